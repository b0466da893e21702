// The command line: usage errors exit 2, model and config errors exit 1 (see malformed-models), success
// prints a summary. Without a model and an output folder it generates what the config names.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, REPO, listFiles, tempDir } from "./helpers";

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(REPO, "codegen/bin/generate.mjs"), ...args], { encoding: "utf8" });

it.each([[["only-one.json"]], [["a.json", "b", "c"]], [["--help", "x"]], [["--config"]]])("exits 2 with usage for arguments %j", (args) => {
  const run = cli(...args);
  expect(run.status).toBe(2);
  expect(run.stderr).toContain("usage: node codegen/bin/generate.mjs [--config <codegen/config.json>] [<model.json> <outDir>]");
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

it("without a model and a folder, generates the config's model into the config's folder, named and versioned as the config says", () => {
  const tmp = tempDir("cli-config");
  try {
    const config = join(tmp.dir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        model: join(FIXTURES, "mini-pre-recipient.json"),
        outDir: "out/client-mini",
        packageName: "@example/client-mini",
        packageVersion: "7.8.9",
        officialClientVersion: "7.8.0",
      }),
    );
    const run = cli("--config", config);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = join(tmp.dir, "out", "client-mini");
    expect(JSON.parse(readFileSync(join(out, "package.json"), "utf8"))).toMatchObject({ name: "@example/client-mini", version: "7.8.9" });
    expect(readFileSync(join(out, "src", "version.ts"), "utf8")).toContain('CLIENT_VERSION = "7.8.9"');
    expect(readFileSync(join(out, "README.md"), "utf8")).toContain("Same API as\n`@aws-sdk/client-kms@7.8.0`");
  } finally {
    tmp.cleanup();
  }
});

it("exits 1 naming the problem when the config is invalid, and writes nothing", () => {
  const tmp = tempDir("cli-bad-config");
  try {
    const config = join(tmp.dir, "config.json");
    writeFileSync(config, JSON.stringify({ model: "m.json", outDir: "out", packageName: "x", packageVersion: "3.1156", officialClientVersion: "3.1156.0" }));
    const run = cli("--config", config);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^codegen: CONFIG_INVALID: .*config\.json: "packageVersion" "3\.1156" is not a version/);
    expect(listFiles(tmp.dir)).toEqual(["config.json"]);
  } finally {
    tmp.cleanup();
  }
});
