// A generated package builds on its own wherever it is written: its build script and tsconfig name nothing
// outside the package, so with its dependencies installed (here: linked to the committed package's) the
// pre-recipient model's client builds outside packages/ and its built CommonJS entry puts Recipient on the
// wire. Without its dependencies the build stops with a message that says what to do.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { generate } from "../src/pipeline";
import { CLIENT_PACKAGE, PACKAGE, PRE_RECIPIENT_MODEL, REPO, tempDir } from "./helpers";

/** Runs the package's build; the package resolves only through its own node_modules (pnpm's shims set NODE_PATH). */
const build = (dir: string) => {
  const { NODE_PATH: _ignored, ...env } = process.env;
  return spawnSync(process.execPath, ["build.mjs"], { cwd: dir, encoding: "utf8", env });
};

describe("the client generated from kms-2023-04-25-pre-recipient.json into a folder outside the repository", () => {
  let tmp: ReturnType<typeof tempDir>;
  let out: string;
  let run: ReturnType<typeof build>;
  beforeAll(() => {
    tmp = tempDir("build-anywhere");
    out = join(tmp.dir, "vendor", "client-kms");
    generate(PRE_RECIPIENT_MODEL, out, PACKAGE);
    symlinkSync(join(CLIENT_PACKAGE, "node_modules"), join(out, "node_modules"), "dir");
    run = build(out);
  });
  afterAll(() => tmp.cleanup());

  it("refers to nothing outside itself", () => {
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
    expect(pkg.scripts).toEqual({ build: "node build.mjs" });
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(["@types/node", "esbuild", "typescript"]);
    const tsconfig = readFileSync(join(out, "tsconfig.build.json"), "utf8");
    expect(tsconfig).not.toContain("..");
    expect(JSON.parse(tsconfig).extends).toBeUndefined();
  });

  it("builds its CommonJS, ES module and declaration outputs", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    for (const file of ["dist/cjs/index.js", "dist/esm/index.js", "dist/types/index.d.ts", "dist/types/commands/DecryptCommand.d.ts"]) {
      expect([file, existsSync(join(out, file))]).toEqual([file, true]);
    }
    expect(readFileSync(join(out, "dist/types/models/structures.d.ts"), "utf8")).toMatch(/Recipient\?: RecipientInfo \| undefined;/);
  });

  it("sends Recipient on Decrypt from the built CommonJS entry", () => {
    const script = `
      const kms = require(${JSON.stringify(join(out, "dist/cjs/index.js"))});
      const { Readable } = require("node:stream");
      let body;
      const client = new kms.KMSClient({
        region: "eu-west-1",
        credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
        requestHandler: {
          handle: async (request) => {
            body = JSON.parse(new TextDecoder().decode(request.body));
            return { response: { statusCode: 200, headers: {}, body: Readable.from([Buffer.from('{"CiphertextForRecipient":"MIA="}')]) } };
          },
        },
      });
      client
        .send(new kms.DecryptCommand({ CiphertextBlob: Uint8Array.of(1), Recipient: { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: Uint8Array.of(2) } }))
        .then((output) => console.log(JSON.stringify({ body, cms: [...output.CiphertextForRecipient] })));`;
    const sent = spawnSync(process.execPath, ["--no-warnings", "-e", script], { cwd: tmp.dir, encoding: "utf8" });
    expect(sent.stderr).toBe("");
    expect(JSON.parse(sent.stdout)).toEqual({
      body: { CiphertextBlob: "AQ==", Recipient: { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: "Ag==" } },
      cms: [0x30, 0x80],
    });
  });
});

it("without its dependencies installed, the build stops and says to install them", () => {
  const tmp = tempDir("build-uninstalled");
  try {
    const out = join(tmp.dir, "client-kms");
    generate(PRE_RECIPIENT_MODEL, out, PACKAGE);
    const run = build(out);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`build: cannot find esbuild from ${out}: install this package's dependencies first (pnpm install, or npm install in this folder)\n`);
    expect(existsSync(join(out, "dist"))).toBe(false);
  } finally {
    tmp.cleanup();
  }
});

it("the committed package builds with the same script", () => {
  expect(JSON.parse(readFileSync(join(CLIENT_PACKAGE, "package.json"), "utf8")).scripts.build).toBe("node build.mjs");
  expect(readFileSync(join(CLIENT_PACKAGE, "build.mjs"), "utf8")).toBe(readFileSync(join(REPO, "codegen/templates/build.mjs"), "utf8"));
});
