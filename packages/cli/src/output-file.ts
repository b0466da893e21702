// Writing a file named on the command line: the bytes go to a new file beside it, reach the disk, and only
// then take the name, so the file is whole or untouched, never half written.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { CommandFailedError } from "./errors.js";

export function writeFileAtomically(file: string, bytes: Uint8Array): void {
  const aside = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fail = (e: unknown): never => {
    throw new CommandFailedError(`cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  };
  let fd: number | undefined;
  try {
    fd = openSync(aside, "wx", 0o644);
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(aside, file);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(aside);
    } catch {
      // never created, or already renamed
    }
    fail(e);
  }
}
