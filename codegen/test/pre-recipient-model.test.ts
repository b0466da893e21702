// Generating from the last model before RecipientInfo (2023-04-25) must give what AWS published next
// (2023-05, the first model with RecipientInfo), documentation aside; and the client generated from it must
// put Recipient on the wire and read CiphertextForRecipient back.
import { symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { generate, transformModel } from "../src/pipeline";
import type { Shape } from "../src/model/types";
import { CLIENT_PACKAGE, FIRST_RECIPIENT_MODEL, PACKAGE, PRE_RECIPIENT_MODEL, REPO, readModel, tempDir } from "./helpers";

/** A copy of the shapes without documentation traits (and without trait objects left empty by that). */
function withoutDocs(shapes: Record<string, Shape>): Record<string, Shape> {
  const strip = (node: any): any => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== "object") return node;
    const out: any = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "smithy.api#documentation") continue;
      const s = strip(v);
      if (k === "traits" && Object.keys(s).length === 0) continue;
      out[k] = s;
    }
    return out;
  };
  return strip(shapes);
}

describe("ensureRecipientInfo on kms-2023-04-25-pre-recipient.json", () => {
  const { model, applied } = transformModel(readModel(PRE_RECIPIENT_MODEL));
  const ours = withoutDocs(model.shapes);
  const aws = withoutDocs(readModel(FIRST_RECIPIENT_MODEL).shapes);
  const k = (name: string) => `com.amazonaws.kms#${name}`;

  it("reports that it changed the model", () => {
    expect(applied).toEqual(["ensureRecipientInfo"]);
  });

  it.each(["AttestationDocumentType", "KeyEncryptionMechanism", "RecipientInfo"])("adds %s as AWS defined it", (name) => {
    expect(ours[k(name)]).toEqual(aws[k(name)]);
    expect(Object.keys(ours[k(name)]!.members ?? {})).toEqual(Object.keys(aws[k(name)]!.members ?? {}));
  });

  it.each(["Decrypt", "GenerateDataKey", "GenerateDataKeyPair", "GenerateRandom"])(
    "gives %s the Recipient input and CiphertextForRecipient output members AWS added, in AWS's order",
    (op) => {
      for (const io of ["input", "output"] as const) {
        const id = model.shapes[k(op)]![io]!.target;
        expect(ours[id]).toEqual(aws[id]);
        expect(Object.keys(ours[id]!.members!)).toEqual(Object.keys(aws[id]!.members!));
      }
      expect(Object.keys(ours[model.shapes[k(op)]!.input!.target]!.members!)).toContain("Recipient");
      expect(Object.keys(ours[model.shapes[k(op)]!.output!.target]!.members!)).toContain("CiphertextForRecipient");
    },
  );

  it("differs from the 2023-05 model nowhere else but the pattern AWS added to CloudHsmClusterIdType", () => {
    const differing = Object.keys({ ...ours, ...aws }).filter((id) => JSON.stringify(ours[id]) !== JSON.stringify(aws[id]));
    expect(differing).toEqual([k("CloudHsmClusterIdType")]);
  });
});

describe("the client generated from kms-2023-04-25-pre-recipient.json", () => {
  const tmp = tempDir("pre-recipient");
  const out = join(tmp.dir, "client-kms");
  let client: any;
  let sent: { headers: Record<string, string>; body: any; hostname: string }[] = [];

  beforeAll(() => {
    const result = generate(PRE_RECIPIENT_MODEL, out, PACKAGE);
    expect(result.operations).toBe(50);
    // Resolve the generated source's dependencies from the committed package's installed ones.
    symlinkSync(join(CLIENT_PACKAGE, "node_modules"), join(out, "node_modules"), "dir");
    client = require(join(out, "src", "index.ts"));
  });
  afterAll(() => tmp.cleanup());

  /** An in-process request handler: records each request and answers with `response`. */
  const handler = (response: unknown) => ({
    handle: async (request: any) => {
      sent.push({ headers: request.headers, hostname: request.hostname, body: JSON.parse(new TextDecoder().decode(request.body)) });
      const { Readable } = await import("node:stream");
      return {
        response: {
          statusCode: 200,
          headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-1" },
          body: Readable.from([Buffer.from(JSON.stringify(response))]),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  });

  const newClient = (response: unknown) =>
    new client.KMSClient({
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      requestHandler: handler(response),
    });

  beforeEach(() => (sent = []));

  it("sends Recipient on Decrypt and parses CiphertextForRecipient", async () => {
    const attestation = Uint8Array.from([0xd2, 0x84, 0x44, 0xa1]);
    const cms = Uint8Array.from([0x30, 0x80, 0x06, 0x09]);
    const kms = newClient({ KeyId: "arn:aws:kms:eu-west-1:111122223333:key/k", CiphertextForRecipient: Buffer.from(cms).toString("base64") });
    const output = await kms.send(
      new client.DecryptCommand({
        CiphertextBlob: Uint8Array.from([1, 2, 3]),
        Recipient: { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: attestation },
      }),
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]!.hostname).toBe("kms.eu-west-1.amazonaws.com"); // from the model's endpoint rule set
    expect(sent[0]!.headers["x-amz-target"]).toBe("TrentService.Decrypt");
    expect(sent[0]!.body).toEqual({
      CiphertextBlob: "AQID",
      Recipient: { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: Buffer.from(attestation).toString("base64") },
    });
    expect(output.CiphertextForRecipient).toEqual(cms);
    expect(output.Plaintext).toBeUndefined();
    expect(output.$metadata.requestId).toBe("req-1");
  });

  it.each([
    ["GenerateDataKeyCommand", { KeyId: "alias/k", NumberOfBytes: 32 }],
    ["GenerateDataKeyPairCommand", { KeyId: "alias/k", KeyPairSpec: "RSA_2048" }],
    ["GenerateRandomCommand", { NumberOfBytes: 16 }],
  ])("sends Recipient on %s", async (command, input) => {
    const kms = newClient({});
    const recipient = { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: Uint8Array.from([7]) };
    await kms.send(new client[command]({ ...input, Recipient: recipient }));
    expect(sent[0]!.body.Recipient).toEqual({ KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256", AttestationDocument: "Bw==" });
  });

  it("resolves endpoints from the model's rule set as the official client does, and as the model's tests expect", () => {
    const { defaultEndpointResolver } = require(join(out, "src", "endpoint", "endpointResolver.ts"));
    const official = createRequire(join(REPO, "test", "package.json"))("official-client-kms");
    const officialResolver = new official.KMSClient({ region: "us-east-1" }).config.endpointProvider;
    const service = readModel(PRE_RECIPIENT_MODEL).shapes["com.amazonaws.kms#TrentService"]!;
    const cases = (service.traits!["smithy.rules#endpointTests"] as any).testCases as any[];
    expect(cases).toHaveLength(72);
    const resolve = (resolver: any, params: unknown) => {
      try {
        return resolver(params).url.href;
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
    };
    const stale: string[] = [];
    for (const { params = {}, expect: expected, documentation } of cases) {
      const ours = resolve(defaultEndpointResolver, params);
      expect([documentation, ours]).toEqual([documentation, resolve(officialResolver, params)]);
      const recorded = expected.error !== undefined ? `error: ${expected.error}` : new URL(expected.endpoint.url).href;
      if (ours !== recorded) stale.push(documentation);
    }
    // The 2023 test cases predate dual-stack support in the isolated partitions (the partition data
    // shipped with @aws-sdk/core is current); every other case resolves as recorded.
    expect(stale.every((d) => /^For region us-isob?-east-1 with FIPS (en|dis)abled and DualStack enabled$/.test(d))).toBe(true);
    expect(stale.length).toBeLessThanOrEqual(4);
  });

  it("has the 2023 model's 50 commands and not the later ones", () => {
    const commands = Object.keys(client).filter((k) => k.endsWith("Command") && k !== "$Command");
    expect(commands).toHaveLength(50);
    expect(client.DeriveSharedSecretCommand).toBeUndefined();
    expect(client.KeyEncryptionMechanism).toEqual({ RSAES_OAEP_SHA_256: "RSAES_OAEP_SHA_256" });
  });
});
