// Writes the generated files into a fresh temporary directory beside the output, then swaps it in with
// renames, so the output is either the old package or the new one, never a half-written mix. Entries the
// generator does not own (node_modules, dist) are carried over from the old directory. A directory that is
// not empty and was not written by the generator is never replaced.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { OutputWriteError } from "../errors";

export const PRESERVED = ["node_modules", "dist"];

/** Marks a directory this generator wrote; one without it is never replaced. */
export const MARKER = { file: ".gitattributes", text: "linguist-generated=true" };

export function swapDirectory(outDir: string, files: [string, string][]): void {
  const target = resolve(outDir);
  const parent = dirname(target);
  if (!files.some(([rel, content]) => rel === MARKER.file && content.includes(MARKER.text))) {
    throw new OutputWriteError(`the generated files lack ${MARKER.file}; refusing to write them`);
  }
  if (existsSync(target) && !isGeneratedPackage(target)) {
    throw new OutputWriteError(
      `refusing to replace ${target}: it is not empty and not a package this generator wrote (no ${MARKER.file} marking it generated)`,
    );
  }
  let staging: string | undefined;
  try {
    mkdirSync(parent, { recursive: true });
    staging = mkdtempSync(join(parent, `.${basename(target)}.new-`));
    for (const [rel, content] of files) {
      const path = join(staging, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  } catch (err) {
    if (staging) rmSync(staging, { recursive: true, force: true });
    throw new OutputWriteError(`cannot write generated files beside ${target}: ${(err as Error).message}`);
  }

  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  const old = `${staging}.old`;
  const moved: string[] = [];
  try {
    for (const entry of PRESERVED) {
      if (existsSync(join(target, entry))) {
        renameSync(join(target, entry), join(staging, entry));
        moved.push(entry);
      }
    }
    renameSync(target, old);
    renameSync(staging, target);
  } catch (err) {
    // Put things back as they were.
    if (!existsSync(target) && existsSync(old)) renameSync(old, target);
    for (const entry of moved) {
      if (existsSync(join(staging, entry)) && !existsSync(join(target, entry))) renameSync(join(staging, entry), join(target, entry));
    }
    rmSync(staging, { recursive: true, force: true });
    throw new OutputWriteError(`cannot swap generated files into ${target}: ${(err as Error).message}`);
  }
  rmSync(old, { recursive: true, force: true });
}

/** Empty, or holding only what a generated package holds besides its generated files. */
function isGeneratedPackage(dir: string): boolean {
  if (!statSync(dir).isDirectory()) return false;
  const entries = readdirSync(dir).filter((e) => !PRESERVED.includes(e));
  if (entries.length === 0) return true;
  const marker = join(dir, MARKER.file);
  return existsSync(marker) && readFileSync(marker, "utf8").includes(MARKER.text);
}
