// The command line: usage errors exit 2, model errors exit 1 (see malformed-models), success prints a summary.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { FIXTURES, REPO, listFiles, tempDir } from "./helpers";

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(REPO, "codegen/bin/generate.mjs"), ...args], { encoding: "utf8" });

it.each([[[]], [["only-one.json"]], [["a.json", "b", "c"]], [["--help", "x"]]])("exits 2 with usage for arguments %j", (args) => {
  const run = cli(...args);
  expect(run.status).toBe(2);
  expect(run.stderr).toContain("usage: node codegen/bin/generate.mjs <model.json> <outDir>");
});

it("generates a package and says what it did", () => {
  const tmp = tempDir("cli");
  try {
    const out = join(tmp.dir, "pkg");
    const run = cli(join(FIXTURES, "mini-pre-recipient.json"), out);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^generated \d+ files \(3 operations\) from .*mini-pre-recipient\.json into .*pkg \[transforms that changed the model: ensureRecipientInfo\]\n$/);
    expect(listFiles(out)).toContain("src/commands/DecryptCommand.ts");
  } finally {
    tmp.cleanup();
  }
});
