// The middleware's decisions, against a stand-in for the rest of the stack (`next`) and for the handle:
// which calls it touches, what it sends, when it drops a document and when it tries again. The same
// behaviour against kms-local and both real clients is in test/enclave/.
import { MissingCiphertextForRecipientError, RecipientDecryptionError, UnexpectedPlaintextError, enclaveRecipient, type RecipientHandle } from "../../src/index";

type Args = { input: Record<string, unknown> };
type Next = (args: Args) => Promise<{ output: Record<string, unknown>; response: unknown }>;

/** The plugin's middleware, taken from a minimal stack, and the options it was added with. */
function middlewareOf(handle: RecipientHandle, options?: Parameters<typeof enclaveRecipient>[1]) {
  let added: { mw: (next: Next, context: object) => (args: Args) => Promise<{ output: Record<string, unknown> }>; options: Record<string, unknown> } | undefined;
  enclaveRecipient(handle, options).applyToStack({ add: (mw: never, opts: never) => (added = { mw, options: opts }) } as never);
  return added!;
}

const KMS = (operation: string) => ({ clientName: "KMSClient", commandName: `${operation}Command` });
const SECRET = Buffer.from("the plaintext");

function fakeHandle(decrypt: (bytes: Uint8Array) => Buffer = () => Buffer.from(SECRET)) {
  const state = {
    recipientCalls: 0,
    decrypted: [] as Uint8Array[],
    handle: {
      recipient: async () => ({ AttestationDocument: new Uint8Array([++state.recipientCalls]), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" as const }),
      decryptKMSEnvelopedKey: (bytes: Uint8Array) => {
        state.decrypted.push(bytes);
        return decrypt(bytes);
      },
    },
  };
  return state;
}

/** A `next` that records what it was sent and answers like KMS does to a Recipient. */
function kmsNext(answer: (args: Args) => Record<string, unknown> = () => ({ KeyId: "k", CiphertextForRecipient: new Uint8Array([0xcf]), $metadata: { httpStatusCode: 200 } })) {
  const sent: Args[] = [];
  const next: Next = async (args) => {
    sent.push(args);
    return { output: answer(args), response: {} };
  };
  return { next, sent };
}

test("it is an initialize-step middleware with a stable name, replacing an earlier one of the same name", () => {
  expect(middlewareOf(fakeHandle().handle).options).toMatchObject({ step: "initialize", name: "enclaveRecipientMiddleware", override: true });
});

test.each([
  ["Decrypt", "Plaintext"],
  ["GenerateDataKey", "Plaintext"],
  ["GenerateRandom", "Plaintext"],
  ["GenerateDataKeyPair", "PrivateKeyPlaintext"],
  ["DeriveSharedSecret", "SharedSecret"],
])("%s: Recipient attached, %s filled, CiphertextForRecipient removed, the rest kept", async (operation, member) => {
  const fake = fakeHandle();
  const { next, sent } = kmsNext();
  const input = { KeyId: "k" };
  const { output } = await middlewareOf(fake.handle).mw(next, KMS(operation))({ input });
  expect(sent[0].input).toEqual({ KeyId: "k", Recipient: { AttestationDocument: new Uint8Array([1]), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" } });
  expect(input).toEqual({ KeyId: "k" });
  expect(output).toEqual({ KeyId: "k", $metadata: { httpStatusCode: 200 }, [member]: new Uint8Array(SECRET) });
  expect(Object.getPrototypeOf(output[member])).toBe(Uint8Array.prototype);
});

test.each([
  ["another KMS operation", { clientName: "KMSClient", commandName: "EncryptCommand" }],
  ["another client's DecryptCommand", { clientName: "SomeOtherClient", commandName: "DecryptCommand" }],
  ["a context without names", {}],
])("passes %s through untouched", async (_what, context) => {
  const fake = fakeHandle();
  const { next, sent } = kmsNext(() => ({ CiphertextForRecipient: new Uint8Array([1]) }));
  const args = { input: { KeyId: "k" } };
  const result = await middlewareOf(fake.handle).mw(next, context)(args);
  expect(sent[0]).toBe(args);
  expect(result.output).toEqual({ CiphertextForRecipient: new Uint8Array([1]) });
  expect(fake.recipientCalls).toBe(0);
});

test("a caller's own Recipient: sent as given, the response returned as KMS sent it; a null Recipient counts as none", async () => {
  const fake = fakeHandle();
  const { next, sent } = kmsNext();
  const mw = middlewareOf(fake.handle).mw(next, KMS("Decrypt"));
  const own = { AttestationDocument: new Uint8Array([9]), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" };
  const args = { input: { Recipient: own } };
  expect((await mw(args)).output).toHaveProperty("CiphertextForRecipient");
  expect(sent[0]).toBe(args);
  expect((await mw({ input: { Recipient: null } })).output.Plaintext).toEqual(new Uint8Array(SECRET));
  expect(fake.recipientCalls).toBe(1);
});

test("members on Object.prototype neither skip the Recipient nor fail the response", async () => {
  const proto = Object.prototype as Record<string, unknown>;
  proto.Recipient = { AttestationDocument: new Uint8Array([6]), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" };
  proto.Plaintext = Buffer.from("planted");
  try {
    const fake = fakeHandle();
    const { next, sent } = kmsNext();
    const { output } = await middlewareOf(fake.handle).mw(next, KMS("Decrypt"))({ input: {} });
    expect(Object.hasOwn(sent[0].input, "Recipient")).toBe(true);
    expect(output.Plaintext).toEqual(new Uint8Array(SECRET));
  } finally {
    delete proto.Recipient;
    delete proto.Plaintext;
  }
});

test("fail closed: no CiphertextForRecipient, or a plaintext beside it; null or empty plaintext members are what KMS sends", async () => {
  const mw = (answer: Record<string, unknown>) => middlewareOf(fakeHandle().handle).mw(kmsNext(() => answer).next, KMS("GenerateDataKeyPair"))({ input: {} });
  await expect(mw({ KeyId: "k" })).rejects.toThrow(MissingCiphertextForRecipientError);
  await expect(mw({ CiphertextForRecipient: new Uint8Array(0) })).rejects.toThrow(MissingCiphertextForRecipientError);
  await expect(mw({ CiphertextForRecipient: "z8" })).rejects.toThrow(MissingCiphertextForRecipientError);
  await expect(mw({ CiphertextForRecipient: new Uint8Array([1]), PrivateKeyPlaintext: new Uint8Array([1]) })).rejects.toThrow(UnexpectedPlaintextError);
  await expect(mw({ CiphertextForRecipient: new Uint8Array([1]), PrivateKeyPlaintext: "AQ==" })).rejects.toThrow(UnexpectedPlaintextError);
  for (const empty of [null, undefined, new Uint8Array(0)]) {
    expect((await mw({ CiphertextForRecipient: new Uint8Array([1]), PrivateKeyPlaintext: empty })).output.PrivateKeyPlaintext).toEqual(new Uint8Array(SECRET));
  }
});

test("the plaintext is copied out of the handle's buffer (which may share a pool) and that buffer is wiped", async () => {
  const pooled = Buffer.from(SECRET); // small Buffers are slices of Node's shared pool
  const fake = fakeHandle(() => pooled);
  const { output } = await middlewareOf(fake.handle).mw(kmsNext().next, KMS("Decrypt"))({ input: {} });
  const plaintext = output.Plaintext as Uint8Array;
  expect(Buffer.from(plaintext)).toEqual(SECRET);
  expect(plaintext.byteOffset).toBe(0);
  expect(plaintext.buffer.byteLength).toBe(SECRET.length);
  expect(pooled.every((b) => b === 0)).toBe(true);
});

test("after a KMS error or a refused response the document is not reused", async () => {
  const fake = fakeHandle();
  let answer: "error" | "stripped" | "ok" = "error";
  const next: Next = async () => {
    if (answer === "error") throw Object.assign(new Error("refused"), { name: "AccessDeniedException" });
    return { output: answer === "stripped" ? {} : { CiphertextForRecipient: new Uint8Array([1]) }, response: {} };
  };
  const mw = middlewareOf(fake.handle).mw(next, KMS("Decrypt"));
  await expect(mw({ input: {} })).rejects.toMatchObject({ name: "AccessDeniedException" });
  answer = "stripped";
  await expect(mw({ input: {} })).rejects.toThrow(MissingCiphertextForRecipientError);
  answer = "ok";
  await mw({ input: {} });
  await mw({ input: {} });
  expect(fake.recipientCalls).toBe(3);
});

test("a plain decryption failure: typed, not sent again, and the document is dropped", async () => {
  const cause = Object.assign(new Error("bad padding"), { code: "ENVELOPE_DECRYPTION_FAILED" });
  const fake = fakeHandle(() => {
    throw cause;
  });
  const { next, sent } = kmsNext();
  const mw = middlewareOf(fake.handle).mw(next, KMS("Decrypt"));
  await expect(mw({ input: {} })).rejects.toMatchObject({ constructor: RecipientDecryptionError, code: "ENCLAVE_DECRYPTION_FAILED", cause });
  expect(sent).toHaveLength(1);
  await expect(mw({ input: {} })).rejects.toThrow(RecipientDecryptionError);
  expect(fake.recipientCalls).toBe(2);
});

test("a handle answering with something other than bytes is a decryption failure", async () => {
  const fake = fakeHandle(() => "text" as never);
  await expect(middlewareOf(fake.handle).mw(kmsNext().next, KMS("Decrypt"))({ input: {} })).rejects.toThrow(RecipientDecryptionError);
});

test("ENCLAVE_KEY_RETIRED: sent once more with a fresh document (reuse or not), and only once", async () => {
  const retired = Object.assign(new Error("retired"), { code: "ENCLAVE_KEY_RETIRED" });
  for (const attestationReuseMs of [0, 60_000]) {
    let failures = 1;
    const fake = fakeHandle(() => {
      if (failures-- > 0) throw retired;
      return Buffer.from(SECRET);
    });
    const { next, sent } = kmsNext();
    const { output } = await middlewareOf(fake.handle, { attestationReuseMs }).mw(next, KMS("Decrypt"))({ input: {} });
    expect(output.Plaintext).toEqual(new Uint8Array(SECRET));
    expect(sent.map((a) => (a.input.Recipient as { AttestationDocument: Uint8Array }).AttestationDocument[0])).toEqual([1, 2]);
  }
  const always = fakeHandle(() => {
    throw retired;
  });
  const { next, sent } = kmsNext();
  await expect(middlewareOf(always.handle).mw(next, KMS("Decrypt"))({ input: {} })).rejects.toMatchObject({ code: "ENCLAVE_DECRYPTION_FAILED", cause: retired });
  expect(sent).toHaveLength(2);
});
