// The built package as Node loads it (after `pnpm build`): require and import both work and give the same
// classes, and the ES build that bundlers use exports the same names.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_PACKAGE, REPO } from "./helpers";

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
