// `pnpm bench client-kms`: our generated client against the official @aws-sdk/client-kms (the
// `official-client-kms` alias of the test package).
//   - cold import: a fresh node process per round loads the package (require for CommonJS, import() for
//     ES modules, as each package resolves them); the import's wall and CPU time, the heap it adds (after
//     gc), then in the same process the first send(DecryptCommand) (client construction, config
//     resolution and whatever is deferred to first use) and the heap after it;
//   - send(DecryptCommand) through the whole middleware stack (serde, endpoint, SigV4 signing, retries)
//     against an in-process requestHandler that answers a canned response; CPU time per send too (on a
//     shared machine it moves less than wall-clock time).
// With BENCH_BEFORE, that checkout's client too.
// Goal: parity with the official client (ratios >= 1: import no slower, send no slower).
import { spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { before, compare, entryPath, importUrl, load, root } from "./harness.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true"; // both clients warn about Node 20 once
const here = { load, entryPath, importUrl };
const CLIENTS = [
  { label: "ours", specifier: "@nitro-enclaves-sdk/client-kms", from: here },
  { label: "official", specifier: "official-client-kms", from: here },
  ...(before ? [{ label: "before: ours", specifier: "@nitro-enclaves-sdk/client-kms", from: before }] : []),
];
const goals = [{ candidate: "ours", atLeast: 1 }];
for (const c of CLIENTS) {
  const { name, version } = c.from.load(`${c.specifier}/package.json`);
  console.log(`${c.label} = ${name}@${version}`);
}

// ---- cold import: the child measures only the load itself; its own start-up and a gc'd heap are subtracted.
const CHILD = `
const { Readable } = require("node:stream");
const [mode, target] = process.argv.slice(1);
global.gc(); const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
const c0 = process.cpuUsage();
(mode === "require" ? Promise.resolve(require(target)) : import(target)).then(async (m) => {
  const seconds = (performance.now() - t0) / 1000;
  const { user, system } = process.cpuUsage(c0);
  if (typeof m.KMSClient !== "function") throw new Error("no KMSClient in " + target);
  global.gc(); const heap = process.memoryUsage().heapUsed - heapBefore;
  const body = Buffer.from(JSON.stringify({ KeyId: "k", Plaintext: "AAECAw==", EncryptionAlgorithm: "SYMMETRIC_DEFAULT" }));
  const requestHandler = { handle: async () => ({ response: { statusCode: 200, headers: {}, body: Readable.from([body]) } }) };
  const t1 = performance.now();
  const client = new m.KMSClient({ region: "us-west-2", credentials: { accessKeyId: "A", secretAccessKey: "S" }, requestHandler });
  await client.send(new m.DecryptCommand({ CiphertextBlob: new Uint8Array(8) }));
  const firstSend = performance.now() - t1;
  global.gc(); const heapAfterSend = process.memoryUsage().heapUsed - heapBefore;
  process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (user + system) / 1e6, heap, firstSend, heapAfterSend }));
});
`;
const MiB = 2 ** 20;
function coldImport(mode, target) {
  const r = spawnSync(process.execPath, ["--expose-gc", "-e", CHILD, mode, target], { encoding: "utf8", cwd: root });
  if (r.status !== 0) throw new Error(`${mode} of ${target} failed:\n${r.stderr}`);
  const m = JSON.parse(r.stdout);
  return {
    ops: 1, seconds: m.seconds, cpuSeconds: m.cpuSeconds,
    extra: { "heap after import (MiB)": m.heap / MiB, "then first send (ms)": m.firstSend, "heap after first send (MiB)": m.heapAfterSend / MiB },
  };
}
for (const mode of ["require", "import"]) {
  const candidates = CLIENTS.map((c) => {
    const target = mode === "require" ? c.from.entryPath(c.specifier) : c.from.importUrl(c.specifier);
    return { label: c.label, sample: () => coldImport(mode, target) };
  });
  await compare(`cold ${mode} of the package, fresh process each`, candidates, { baseline: "official", rounds: 9, goals });
}

// ---- send(DecryptCommand) against a canned response
const DECRYPT_RESPONSE = Buffer.from(JSON.stringify({
  KeyId: "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  Plaintext: Buffer.alloc(32, 7).toString("base64"),
  EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
}));
const requestHandler = {
  handle: async () => ({
    response: { statusCode: 200, headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "bench" }, body: Readable.from([DECRYPT_RESPONSE]) },
  }),
};
const decryptInput = {
  CiphertextBlob: Buffer.alloc(184, 1),
  EncryptionContext: { purpose: "bench", tenant: "t-1" },
  Recipient: { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: Buffer.alloc(4500, 2) },
};
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const senders = [];
for (const c of CLIENTS) {
  const { KMSClient, DecryptCommand } = c.from.load(c.specifier);
  const client = new KMSClient({ region: "us-west-2", credentials, requestHandler, maxAttempts: 1 });
  const send = async () => {
    const out = await client.send(new DecryptCommand(decryptInput));
    if (out.Plaintext?.length !== 32) throw new Error(`${c.label}: unexpected Decrypt output`);
  };
  senders.push({ label: c.label, run: send, client });
}
await compare("send(DecryptCommand), canned response", senders, { baseline: "official", rounds: 15, batchMs: 300, warmupMs: 500, cpu: true, gc: true, goals });
for (const s of senders) s.client.destroy();
