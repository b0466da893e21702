// The built package as Node loads it (after `pnpm build`): require and import both work and give the same
// classes, the ES build that bundlers use exports the same names, and the shipped .d.ts files type a
// consumer's code under each of TypeScript's module resolutions.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { CLIENT_PACKAGE, REPO, tempDir } from "./helpers";

const PKG = "@nitro-enclaves-sdk/client-kms";
/** Runs a script with the test workspace's resolution (it depends on the package) and parses its JSON output. */
function node(script: string, type: "commonjs" | "module"): any {
  const out = execFileSync(process.execPath, ["--no-warnings", `--input-type=${type}`, "-e", script], {
    cwd: join(REPO, "test"),
    encoding: "utf8",
  });
  return JSON.parse(out);
}

beforeAll(() => {
  if (!existsSync(join(CLIENT_PACKAGE, "dist", "cjs", "index.js"))) {
    throw new Error("packages/client-kms is not built: run `pnpm build` first");
  }
});

it("require() and import() give the same module, whose exports match the ES build's", () => {
  const cjs = node(`console.log(JSON.stringify(Object.keys(require(${JSON.stringify(PKG)})).sort()))`, "commonjs");
  const esm = node(
    `const m = await import(${JSON.stringify(PKG)});
     const { createRequire } = await import("node:module");
     const r = createRequire(process.cwd() + "/package.json")(${JSON.stringify(PKG)});
     const es = await import(${JSON.stringify(join(CLIENT_PACKAGE, "dist", "esm", "index.js"))});
     console.log(JSON.stringify({
       sameClass: m.KMSClient === r.KMSClient && m.NotFoundException === r.NotFoundException,
       names: Object.keys(m).filter((k) => k !== "default").sort(),
       esNames: Object.keys(es).sort(),
     }));`,
    "module",
  );
  expect(cjs.length).toBeGreaterThan(300);
  expect(cjs).toContain("DecryptCommand");
  expect(esm.sameClass).toBe(true);
  expect(esm.names).toEqual(cjs);
  expect(esm.esNames).toEqual(cjs);
});

it("every exported class keeps its own name in the bundle, as in the official client", () => {
  const renamed = node(
    `const ours = require(${JSON.stringify(PKG)});
     const official = require("official-client-kms");
     console.log(JSON.stringify(Object.keys(ours).filter((k) => typeof ours[k] === "function" && ours[k].name !== official[k].name)));`,
    "commonjs",
  );
  expect(renamed).toEqual([]);
});

it("the ES build works on its own: a command goes through the middleware stack to a handler", () => {
  const result = node(
    `const m = await import(${JSON.stringify(join(CLIENT_PACKAGE, "dist", "esm", "index.js"))});
     const seen = [];
     const client = new m.KMSClient({
       region: "us-west-2",
       credentials: { accessKeyId: "AKID", secretAccessKey: "s" },
       requestHandler: {
         handle: async (req) => {
           seen.push(req.hostname + " " + req.headers["x-amz-target"] + " " + new TextDecoder().decode(req.body));
           const { Readable } = await import("node:stream");
           return { response: { statusCode: 200, headers: {}, body: Readable.from([Buffer.from('{"Plaintext":"AAE="}')]) } };
         },
       },
     });
     const out = await client.send(new m.GenerateRandomCommand({ NumberOfBytes: 2 }));
     console.log(JSON.stringify({ seen, plaintext: [...out.Plaintext] }));`,
    "module",
  );
  expect(result).toEqual({
    seen: ['kms.us-west-2.amazonaws.com TrentService.GenerateRandom {"NumberOfBytes":2}'],
    plaintext: [0, 1],
  });
});

const CONSUMER = `
import { KMS, KMSClient, DecryptCommand, NotFoundException, KMSServiceException, paginateListKeys, type DecryptCommandOutput } from "${PKG}";
export async function use(): Promise<Uint8Array | undefined> {
  const client = new KMSClient({ region: "us-east-1" });
  const out: DecryptCommandOutput = await client.send(
    new DecryptCommand({ CiphertextBlob: new Uint8Array(), Recipient: { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: new Uint8Array() } }),
  );
  const kms = new KMS({});
  const random = await kms.generateRandom({ NumberOfBytes: 3 });
  for await (const page of paginateListKeys({ client }, {})) page.Keys?.map((k) => k.KeyId);
  try {
    await kms.describeKey({ KeyId: "x" });
  } catch (e) {
    if (e instanceof NotFoundException) console.log(e.$metadata.httpStatusCode);
    if (e instanceof KMSServiceException) console.log(e.$fault);
  }
  // @ts-expect-error not a KeyEncryptionMechanism
  await client.send(new DecryptCommand({ Recipient: { KeyEncryptionAlgorithm: "RSA_PKCS1" } }));
  // @ts-expect-error CiphertextBlob is a Uint8Array
  await kms.decrypt({ CiphertextBlob: "text" });
  return out.CiphertextForRecipient ?? random.Plaintext;
}
`;

const RESOLUTIONS = [
  ["node16", "node16"],
  ["commonjs", "node"],
  ["esnext", "bundler"],
] as const;

/** tsc's output for the consumer under one module setting ("" when it type-checks). */
async function typeCheckConsumer(module: string, moduleResolution: string): Promise<string> {
  const tmp = tempDir(`dts-${moduleResolution}`);
  try {
    symlinkSync(join(REPO, "test", "node_modules"), join(tmp.dir, "node_modules"), "dir");
    writeFileSync(join(tmp.dir, "consumer.ts"), CONSUMER);
    writeFileSync(
      join(tmp.dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true, noEmit: true, target: "ES2022", module, moduleResolution, skipLibCheck: true,
          types: ["node"], typeRoots: [join(REPO, "node_modules", "@types")],
        },
        files: ["consumer.ts"],
      }),
    );
    const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO] });
    const run = await promisify(execFile)(process.execPath, [tsc, "-p", join(tmp.dir, "tsconfig.json")]).catch((e) => e);
    return `${run.stdout ?? ""}${run.stderr ?? ""}`;
  } finally {
    tmp.cleanup();
  }
}

describe("the shipped .d.ts files", () => {
  let results: string[];
  beforeAll(async () => {
    results = await Promise.all(RESOLUTIONS.map(([m, r]) => typeCheckConsumer(m, r)));
  });
  it.each(RESOLUTIONS.map(([m, r], i) => [m, r, i] as const))("type a consumer under module %s / moduleResolution %s", (_m, _r, i) => {
    expect(results[i]).toBe("");
  });
});
