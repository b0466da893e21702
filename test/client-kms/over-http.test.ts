// The same calls over a real socket: both clients with their default Node HTTP handler (no custom
// requestHandler) against a small HTTP server on 127.0.0.1 that records each raw request and answers
// canned bytes. This covers what the in-process handler of the differential test skips: the HTTP
// handler, its headers, body streaming, and response and error parsing from a socket.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CREDENTIALS, isolateFromAwsEnvironment, toWire } from "./capture";
import { official, ours, type KmsModule } from "./clients";

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let endpoint: string;
const recorded: Recorded[] = [];
let reply: { status: number; body: string } = { status: 200, body: "{}" };
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = isolateFromAwsEnvironment();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      recorded.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(reply.status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "http-1" }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  restoreEnv();
  await new Promise((resolve) => server.close(resolve));
});

/** One call through a client with the default HTTP handler; the request as the server saw it, and the outcome. */
async function overHttp(mod: KmsModule, op: string, input: unknown, answer: { status: number; body: string }, config: Record<string, unknown> = {}) {
  recorded.length = 0;
  reply = answer;
  const client = new mod.KMSClient({ region: "us-west-2", credentials: CREDENTIALS, endpoint, maxAttempts: 1, ...config });
  try {
    const output = await client.send(new mod[`${op}Command`](input));
    return { request: seen(), output };
  } catch (e) {
    const err = e as Error & Record<string, unknown>;
    return { request: seen(), error: { name: err.name, message: err.message, fault: err.$fault, metadata: err.$metadata } };
  } finally {
    client.destroy();
  }
}

function seen() {
  expect(recorded).toHaveLength(1);
  const r = recorded[0];
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
  // The server sees the wire; set aside what differs by time or call, as the differential test does.
  return { ...toWire({ method: r.method, protocol: "http:", hostname: "127.0.0.1", path: r.url, headers, body: r.body }), port: undefined };
}

const recipient = { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: new Uint8Array(4096).fill(0xa5) };
const calls: [string, string, unknown, { status: number; body: string }][] = [
  ["Decrypt with Recipient", "Decrypt", { CiphertextBlob: new Uint8Array([1, 2, 3]), Recipient: recipient }, { status: 200, body: JSON.stringify({ KeyId: "k", CiphertextForRecipient: "AAECAw==" }) }],
  ["GenerateDataKey with Recipient", "GenerateDataKey", { KeyId: "alias/a", NumberOfBytes: 32, Recipient: recipient }, { status: 200, body: JSON.stringify({ KeyId: "k", CiphertextBlob: "AQID", CiphertextForRecipient: "BAUG" }) }],
  ["GenerateRandom", "GenerateRandom", { NumberOfBytes: 16 }, { status: 200, body: JSON.stringify({ Plaintext: Buffer.alloc(16, 1).toString("base64") }) }],
  ["ListKeys", "ListKeys", { Limit: 2 }, { status: 200, body: JSON.stringify({ Keys: [{ KeyId: "a", KeyArn: "arn:a" }], Truncated: false }) }],
  ["a modelled error", "DescribeKey", { KeyId: "nope" }, { status: 400, body: JSON.stringify({ __type: "NotFoundException", message: "no such key" }) }],
  ["a server error", "Encrypt", { KeyId: "k", Plaintext: new Uint8Array([1]) }, { status: 500, body: JSON.stringify({ __type: "KMSInternalException", message: "oops" }) }],
  ["an HTML gateway page", "ListAliases", {}, { status: 502, body: "<html>bad gateway</html>" }],
];

test.each(calls)("%s: same request through the socket, same outcome", async (_, op, input, answer) => {
  const theirs = await overHttp(official, op, input, answer);
  const mine = await overHttp(ours, op, input, answer);
  expect(theirs.request.headers["x-amz-target"]).toBe(`TrentService.${op}`);
  expect(mine).toStrictEqual(theirs);
});

test("requestHandler given as options (a timeout) still builds the default handler, alike", async () => {
  const answer = { status: 200, body: JSON.stringify({ Plaintext: "AAEC" }) };
  const theirs = await overHttp(official, "GenerateRandom", { NumberOfBytes: 3 }, answer, { requestHandler: { requestTimeout: 5000 } });
  const mine = await overHttp(ours, "GenerateRandom", { NumberOfBytes: 3 }, answer, { requestHandler: { requestTimeout: 5000 } });
  expect(theirs.output).toMatchObject({ Plaintext: new Uint8Array([0, 1, 2]) });
  expect(mine).toStrictEqual(theirs);
});
