// RecipientCache: how long one attestation document serves, who shares it, and when it is forgotten. The
// clock is the cache's own injected one, so no test waits.
import { AttestationUnavailableError, type RecipientHandle } from "../../src/index";
import { RecipientCache } from "../../src/kms/recipient-cache";

interface FakeHandle {
  calls: number;
  fail: Error | undefined;
  answer: unknown;
  handle: RecipientHandle;
}

function fakeHandle(): FakeHandle {
  const state: FakeHandle = {
    calls: 0,
    fail: undefined,
    answer: undefined,
    handle: {
      recipient: async () => {
        state.calls++;
        if (state.fail) throw state.fail;
        return (state.answer ?? { AttestationDocument: new Uint8Array([state.calls, 0xd0]), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" }) as never;
      },
      decryptKMSEnvelopedKey: () => Buffer.alloc(0),
    },
  };
  return state;
}

const documentOf = async (cache: RecipientCache) => (await cache.get()).recipient().AttestationDocument[0];

test("one document serves until reuseMs after it was asked for, then a new one is made", async () => {
  const fake = fakeHandle();
  let now = 1_000;
  const cache = new RecipientCache(fake.handle, 60_000, () => now);
  expect(await documentOf(cache)).toBe(1);
  now += 59_999;
  expect(await documentOf(cache)).toBe(1);
  now += 1;
  expect(await documentOf(cache)).toBe(2);
  expect(fake.calls).toBe(2);
});

test("reuseMs 0 asks the handle for every call", async () => {
  const fake = fakeHandle();
  const cache = new RecipientCache(fake.handle, 0, () => 0);
  expect([await documentOf(cache), await documentOf(cache), await documentOf(cache)]).toEqual([1, 2, 3]);
});

test("calls that arrive while a document is being made share it", async () => {
  const fake = fakeHandle();
  const cache = new RecipientCache(fake.handle, 60_000, () => 0);
  const documents = await Promise.all([1, 2, 3, 4, 5].map(() => documentOf(cache)));
  expect(documents).toEqual([1, 1, 1, 1, 1]);
  expect(fake.calls).toBe(1);
});

test("each call gets a Recipient and document bytes of its own", async () => {
  const cache = new RecipientCache(fakeHandle().handle, 60_000, () => 0);
  const a = (await cache.get()).recipient();
  a.AttestationDocument[0] = 99;
  const b = (await cache.get()).recipient();
  expect(b).not.toBe(a);
  expect(b).toEqual({ AttestationDocument: new Uint8Array([1, 0xd0]), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" });
});

test("drop forgets the dropped document only while it is the current one; refresh replaces it", async () => {
  const fake = fakeHandle();
  const cache = new RecipientCache(fake.handle, 60_000, () => 0);
  const first = await cache.get();
  const second = await cache.refresh();
  expect(second.recipient().AttestationDocument[0]).toBe(2);
  cache.drop(first); // stale lease: the current document stays
  expect(await documentOf(cache)).toBe(2);
  cache.drop(second);
  expect(await documentOf(cache)).toBe(3);
});

test("an attestation failure is AttestationUnavailableError with the handle's error as cause, and is not cached", async () => {
  const fake = fakeHandle();
  const cache = new RecipientCache(fake.handle, 60_000, () => 0);
  const nsmError = new Error("NSM gone");
  fake.fail = nsmError;
  const results = await Promise.allSettled([cache.get(), cache.get()]);
  for (const r of results) {
    expect(r.status).toBe("rejected");
    const reason = (r as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(AttestationUnavailableError);
    expect(reason).toMatchObject({ code: "ENCLAVE_ATTESTATION_FAILED", cause: nsmError });
  }
  expect(fake.calls).toBe(1);
  fake.fail = undefined;
  expect(await documentOf(cache)).toBe(2);
});

test.each([
  ["no object", undefined],
  ["an empty document", { AttestationDocument: new Uint8Array(0), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" }],
  ["a document that is not bytes", { AttestationDocument: "AAAA", KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" }],
  ["another algorithm", { AttestationDocument: new Uint8Array([1]), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_1" }],
  ["inherited members only", Object.create({ AttestationDocument: new Uint8Array([1]), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" })],
])("a malformed Recipient from the handle (%s) is AttestationUnavailableError", async (_what, answer) => {
  const fake = fakeHandle();
  fake.answer = answer ?? null;
  if (answer === undefined) fake.handle.recipient = async () => undefined as never;
  await expect(new RecipientCache(fake.handle, 60_000, () => 0).get()).rejects.toThrow(AttestationUnavailableError);
});
