// scripts/update-model.sh, run for real in a small copy of the repository: the generator and the script
// themselves, a config naming a small model and package, a test/package.json with the oracle alias and a
// lockfile. The install, build, test and type-check steps are replaced (UPDATE_MODEL_* variables) by
// commands that do what those steps do to the files: the install rewrites the lockfile from
// test/package.json, the build writes dist/. That makes each run take seconds while every file the real
// steps touch is touched, so the restore can be checked byte for byte.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { FIXTURES, REPO, readModel, tempDir } from "./helpers";

const ORACLE = "official-client-kms";
const INSTALL =
  `echo install >> "$UPDATE_MODEL_LOG" && node -e 'const fs = require("fs");` +
  ` const spec = JSON.parse(fs.readFileSync("test/package.json", "utf8")).devDependencies["${ORACLE}"];` +
  ` fs.writeFileSync("pnpm-lock.yaml", "lockfileVersion: 9.0\\n${ORACLE}: " + spec + "\\n")'`;
const BUILD =
  `node -e 'const fs = require("fs"); const { version } = JSON.parse(fs.readFileSync("packages/client-mini/package.json", "utf8"));` +
  ` fs.mkdirSync("packages/client-mini/dist", { recursive: true }); fs.writeFileSync("packages/client-mini/dist/index.js", "built " + version + "\\n")'`;

/** The first model plus API changes of every kind the plan reports. */
function secondModel(): unknown {
  const m = readModel(join(FIXTURES, "mini-pre-recipient.json")) as any;
  const ns = "example.kms#";
  m.shapes[`${ns}MiniKms`].operations = m.shapes[`${ns}MiniKms`].operations.filter((o: any) => o.target !== `${ns}ListKeys`);
  m.shapes[`${ns}MiniKms`].operations.push({ target: `${ns}Encrypt` });
  delete m.shapes[`${ns}ListKeys`];
  delete m.shapes[`${ns}ListKeysRequest`];
  m.shapes[`${ns}Encrypt`] = { type: "operation", input: { target: `${ns}EncryptRequest` }, output: { target: "smithy.api#Unit" } };
  m.shapes[`${ns}EncryptRequest`] = { type: "structure", members: { Plaintext: { target: `${ns}PlaintextType`, traits: { "smithy.api#required": {} } } } };
  m.shapes[`${ns}AlgorithmSpec`] = {
    type: "enum",
    members: { RSAES_OAEP_SHA_256: { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": "RSAES_OAEP_SHA_256" } } },
  };
  m.shapes[`${ns}DecryptRequest`].members.EncryptionAlgorithm.target = `${ns}AlgorithmSpec`;
  m.shapes[`${ns}DecryptRequest`].members.GrantTokens = { target: "smithy.api#String" };
  delete m.shapes[`${ns}DecryptResponse`].members.EncryptionAlgorithm;
  m.shapes[`${ns}GenerateRandom`].errors = [{ target: `${ns}NotFoundException` }];
  return m;
}

interface Repo {
  dir: string;
  /** Written by the install step once per run. */
  log: string;
  /** Where the script keeps its copies while it runs. */
  tmp: string;
  cleanup(): void;
}

function makeRepo(): Repo {
  const tmp = tempDir("update-model");
  const dir = join(tmp.dir, "repo");
  for (const part of ["codegen/bin", "codegen/src", "codegen/templates"]) cpSync(join(REPO, part), join(dir, part), { recursive: true });
  mkdirSync(join(dir, "scripts"));
  cpSync(join(REPO, "scripts/update-model.sh"), join(dir, "scripts/update-model.sh"));
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  mkdirSync(join(dir, "codegen/models"));
  cpSync(join(FIXTURES, "mini-pre-recipient.json"), join(dir, "codegen/models/mini-1.json"));
  writeFileSync(join(dir, "codegen/models/mini-2.json"), JSON.stringify(secondModel(), null, 2));
  const config = { model: "models/mini-1.json", outDir: "../packages/client-mini", packageName: "@example/client-mini", packageVersion: "1.0.0", officialClientVersion: "1.0.0" };
  writeFileSync(join(dir, "codegen/config.json"), JSON.stringify(config, null, 2) + "\n");
  mkdirSync(join(dir, "test"));
  writeFileSync(
    join(dir, "test/package.json"),
    JSON.stringify({ name: "tests", private: true, devDependencies: { "some-tool": "1.0.0", [ORACLE]: "npm:@aws-sdk/client-kms@1.0.0" } }, null, 2) + "\n",
  );
  const repo = { dir, log: join(tmp.dir, "install.log"), tmp: join(tmp.dir, "tmp"), cleanup: tmp.cleanup };
  mkdirSync(repo.tmp);
  const setup = (cmd: string[]) => expect(spawnSync(cmd[0]!, cmd.slice(1), { cwd: dir, encoding: "utf8", env: env(repo) }).status).toBe(0);
  setup([process.execPath, "codegen/bin/generate.mjs"]);
  setup(["bash", "-c", INSTALL]);
  setup(["bash", "-c", BUILD]);
  writeFileSync(repo.log, "");
  return repo;
}

function env(repo: Repo, steps: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TMPDIR: repo.tmp,
    UPDATE_MODEL_LOG: repo.log,
    UPDATE_MODEL_INSTALL: INSTALL,
    UPDATE_MODEL_BUILD: BUILD,
    UPDATE_MODEL_TEST: "true",
    UPDATE_MODEL_TYPECHECK: "true",
    ...steps,
  };
}

const updateModel = (repo: Repo, args: string[], steps: Record<string, string> = {}) =>
  spawnSync("bash", ["scripts/update-model.sh", ...args], { cwd: repo.dir, encoding: "utf8", env: env(repo, steps) });

/** Every file of the repository copy (node_modules aside), with its bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (name === "node_modules") continue;
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

function expectSameFiles(after: Map<string, Buffer>, before: Map<string, Buffer>) {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  expect([...before.keys()].filter((f) => !after.get(f)!.equals(before.get(f)!))).toEqual([]);
}

const readJson = (repo: Repo, path: string) => JSON.parse(readFileSync(join(repo.dir, path), "utf8"));

let repo: Repo;
describe("a run", () => {
  beforeEach(() => (repo = makeRepo()));
  afterEach(() => repo.cleanup());

  it("--dry-run prints the API difference and what would move, and writes nothing", () => {
    const before = snapshot(repo.dir);
    const run = updateModel(repo, ["--dry-run", "codegen/models/mini-2.json", "1.1.0"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        "== plan",
        "model: codegen/models/mini-1.json -> codegen/models/mini-2.json",
        "@example/client-mini: 1.0.0 -> 1.1.0",
        "oracle (official-client-kms): @aws-sdk/client-kms@1.0.0 -> 1.1.0",
        "API difference, mini-1.json -> mini-2.json:",
        "  operations added (1): Encrypt",
        "  operations removed (1): ListKeys",
        "  shapes added (2): AlgorithmSpec, EncryptRequest",
        "  shapes removed (1): ListKeysRequest",
        "  members added (1): DecryptRequest$GrantTokens",
        "  members removed (1): DecryptResponse$EncryptionAlgorithm",
        "  members changed (1): DecryptRequest$EncryptionAlgorithm: target String -> AlgorithmSpec",
        "  operation errors added (1): GenerateRandom: NotFoundException",
        "packages/client-mini: 31 files; 1 added: src/commands/EncryptCommand.ts; 1 removed: src/commands/ListKeysCommand.ts; 26 rewritten",
        "== dry run: nothing was written",
        "",
      ].join("\n"),
    );
    expectSameFiles(snapshot(repo.dir), before);
    expect(readFileSync(repo.log, "utf8")).toBe("");
  });

  it.each([
    ["installing", { UPDATE_MODEL_INSTALL: `${INSTALL} && exit 3` }],
    ["type-checking", { UPDATE_MODEL_TYPECHECK: "exit 1" }],
  ])("a failure while %s restores every file it touched, byte for byte, and says so", (step, steps) => {
    const before = snapshot(repo.dir);
    const run = updateModel(repo, ["codegen/models/mini-2.json", "1.1.0"], steps);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`update-model: ${step} failed\n`);
    expect(run.stderr).toContain("update-model: restored codegen/config.json test/package.json pnpm-lock.yaml and packages/client-mini/ (but node_modules/) as they were\n");
    expectSameFiles(snapshot(repo.dir), before);
    expect(readdirSync(repo.tmp)).toEqual([]);
  });

  it("failing tests: the files had moved to the new model while they ran; afterwards each is as it was, and the install is redone", () => {
    const seen = join(repo.tmp, "..", "seen");
    const before = snapshot(repo.dir);
    const run = updateModel(repo, ["codegen/models/mini-2.json", "1.1.0"], {
      UPDATE_MODEL_TEST:
        `mkdir ${seen} && cp codegen/config.json pnpm-lock.yaml packages/client-mini/dist/index.js ${seen}/ && ` +
        `cp test/package.json ${seen}/tests.json && cp packages/client-mini/package.json ${seen}/client.json && exit 1`,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("update-model: running the client's tests failed\n");
    expect(run.stderr).toContain("update-model: restored ");

    const during = (file: string) => readFileSync(join(seen, file), "utf8");
    expect(JSON.parse(during("config.json"))).toMatchObject({ model: "models/mini-2.json", packageVersion: "1.1.0", officialClientVersion: "1.1.0" });
    expect(JSON.parse(during("tests.json")).devDependencies[ORACLE]).toBe("npm:@aws-sdk/client-kms@1.1.0");
    expect(JSON.parse(during("client.json")).version).toBe("1.1.0");
    expect(during("pnpm-lock.yaml")).toContain(`${ORACLE}: npm:@aws-sdk/client-kms@1.1.0`);
    expect(during("index.js")).toBe("built 1.1.0\n");

    expectSameFiles(snapshot(repo.dir), before);
    expect(readFileSync(repo.log, "utf8")).toBe("install\ninstall\n"); // the update's, then the one against the restored lockfile
  });

  it("an interrupt while a step runs restores every file too", () => {
    const before = snapshot(repo.dir);
    const run = updateModel(repo, ["codegen/models/mini-2.json", "1.1.0"], { UPDATE_MODEL_TEST: "kill -INT $PPID; sleep 0.5" });
    expect(run.status).toBe(130);
    expect(run.stderr).toContain("update-model: interrupted\n");
    expectSameFiles(snapshot(repo.dir), before);
  });

  it("success: the config, the oracle, the lockfile and the package move to the new model and version", () => {
    const run = updateModel(repo, ["codegen/models/mini-2.json", "1.1.0"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/== done: review with 'git diff', then commit\n$/);
    expect(readJson(repo, "codegen/config.json")).toEqual({
      model: "models/mini-2.json",
      outDir: "../packages/client-mini",
      packageName: "@example/client-mini",
      packageVersion: "1.1.0",
      officialClientVersion: "1.1.0",
    });
    expect(readJson(repo, "test/package.json")).toEqual({
      name: "tests",
      private: true,
      devDependencies: { "some-tool": "1.0.0", [ORACLE]: "npm:@aws-sdk/client-kms@1.1.0" },
    });
    expect(readFileSync(join(repo.dir, "pnpm-lock.yaml"), "utf8")).toContain(`${ORACLE}: npm:@aws-sdk/client-kms@1.1.0`);
    expect(readJson(repo, "packages/client-mini/package.json").version).toBe("1.1.0");
    expect(readFileSync(join(repo.dir, "packages/client-mini/src/commands/EncryptCommand.ts"), "utf8")).toContain("class EncryptCommand");
    expect(readFileSync(join(repo.dir, "packages/client-mini/dist/index.js"), "utf8")).toBe("built 1.1.0\n");
    expect(readdirSync(repo.tmp)).toEqual([]);
  });
});

describe("refusals", () => {
  beforeAll(() => {
    repo = makeRepo();
    const model = readModel(join(FIXTURES, "mini-pre-recipient.json")) as any;
    model.shapes["example.kms#Loop"] = { type: "structure", members: { Self: { target: "example.kms#Loop", traits: { "smithy.api#required": {} } } } };
    writeFileSync(join(repo.dir, "codegen/models/cycle.json"), JSON.stringify(model));
  });
  afterAll(() => repo.cleanup());

  it.each([
    ["a model that fails validation", ["codegen/models/cycle.json", "1.1.0"], 1, /: MODEL_INVALID: example\.kms#Loop: can only be built by containing itself/],
    ["a version that is not one", ["codegen/models/mini-2.json", "1.1"], 1, /update-model: CONFIG_INVALID: not a version: "1\.1"/],
    ["a missing model file", ["codegen/models/missing.json", "1.1.0"], 2, /update-model: no such file: codegen\/models\/missing\.json/],
  ])("refuses %s before touching anything", (_what, args, status, message) => {
    const before = snapshot(repo.dir);
    const run = updateModel(repo, args as string[]);
    expect(run.status).toBe(status);
    expect(run.stderr).toMatch(message);
    if (status === 1) expect(run.stderr).toContain("update-model: nothing was changed\n");
    expectSameFiles(snapshot(repo.dir), before);
    expect(readFileSync(repo.log, "utf8")).toBe("");
  });

  it.each([[[]], [["codegen/models/mini-2.json"]], [["--dry-run"]], [["--force", "codegen/models/mini-2.json", "1.1.0"]]])("exits 2 with usage for %j", (args) => {
    const run = updateModel(repo, args);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("usage: scripts/update-model.sh [--dry-run] <model.json> <version>\n");
  });
});
