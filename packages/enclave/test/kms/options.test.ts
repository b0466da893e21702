// enclaveRecipient()'s options and handle: checked up front, own properties only, typed errors.
import { EnclaveOptionsError, MAX_ATTESTATION_REUSE_MS, enclaveRecipient, type RecipientHandle } from "../../src/index";
import { checkOptions } from "../../src/kms/options";

const handle: RecipientHandle = {
  recipient: async () => ({ AttestationDocument: new Uint8Array([1]), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" }),
  decryptKMSEnvelopedKey: () => Buffer.alloc(0),
};

test("defaults to 60 s of reuse; 0 and the 5-minute maximum are accepted", () => {
  expect(checkOptions(undefined)).toEqual({ attestationReuseMs: 60_000 });
  expect(checkOptions({})).toEqual({ attestationReuseMs: 60_000 });
  expect(checkOptions({ attestationReuseMs: 0 })).toEqual({ attestationReuseMs: 0 });
  expect(MAX_ATTESTATION_REUSE_MS).toBe(300_000);
  expect(checkOptions({ attestationReuseMs: MAX_ATTESTATION_REUSE_MS })).toEqual({ attestationReuseMs: 300_000 });
});

test.each([
  ["longer than 5 minutes", { attestationReuseMs: 300_001 }],
  ["negative", { attestationReuseMs: -1 }],
  ["fractional", { attestationReuseMs: 1.5 }],
  ["a string", { attestationReuseMs: "60000" }],
  ["NaN", { attestationReuseMs: NaN }],
  ["Infinity", { attestationReuseMs: Infinity }],
  ["an unknown option (a typo)", { attestationReuseSeconds: 60 }],
  ["not an object", 60_000],
  ["null", null],
])("refuses options that are %s with EnclaveOptionsError", (_what, options) => {
  expect(() => enclaveRecipient(handle, options as never)).toThrow(EnclaveOptionsError);
  expect(() => checkOptions(options)).toThrow(expect.objectContaining({ code: "ENCLAVE_BAD_OPTIONS" }));
});

test("an option on Object.prototype changes nothing", () => {
  const proto = Object.prototype as Record<string, unknown>;
  proto.attestationReuseMs = 0;
  try {
    expect(checkOptions({})).toEqual({ attestationReuseMs: 60_000 });
  } finally {
    delete proto.attestationReuseMs;
  }
});

test.each([
  ["undefined", undefined],
  ["null", null],
  ["an object without the methods", {}],
  ["an object whose recipient is not a function", { recipient: 1, decryptKMSEnvelopedKey: () => Buffer.alloc(0) }],
])("refuses a handle that is %s", (_what, bad) => {
  expect(() => enclaveRecipient(bad as never)).toThrow(EnclaveOptionsError);
});
