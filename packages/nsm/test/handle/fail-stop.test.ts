// Fail-stop key use in the enclave handle: a key that fails to decrypt is retired (it never
// decrypts again, its ciphertexts get KeyRetiredError) and the handle attests a new key. The
// padding-oracle attack recovers the last plaintext block through decryptEnvelopedKey alone (what
// the README says the caller must prevent) and nothing through the handle. Ciphertexts are made
// by the openssl CLI for the handle's published key.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { EnclaveHandle } from "../../src/handle/enclave-handle";
import { SimulatedNsm } from "../../src/simulator/simulated-nsm";
import { createSimulatorCa } from "../../src/simulator/ca";
import { verifyAttestation } from "../../src/attestation/verify";
import { decryptEnvelopedKey } from "../../src/cms/decrypt";
import { EnclaveHandleError, EnvelopeDecryptionError, KeyRetiredError, NsmArgumentError, RecipientKeyMismatchError } from "../../src/errors";
import type { NsmTransport } from "../../src/nsm/transport";
import { makeRecipient, opensslEncrypt } from "../cms/openssl";
import { encryptTo } from "./openssl-recipient";
import { paddingOracleAttack } from "./padding-oracle";

const ca = createSimulatorCa();
const trust = { trustedRoots: [ca.certificate] };
const newHandle = (options: object = {}) => EnclaveHandle.create({ transport: new SimulatedNsm({ ca }), ...options });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

/** A ciphertext addressed to the key, whose content no longer decrypts (the last byte changed). */
function tampered(spki: Uint8Array): Buffer {
  const blob = encryptTo(spki, randomBytes(32));
  blob[blob.length - 1] ^= 0x01; // openssl's non-stream output ends with the content
  return blob;
}

test("the attack works on a decryption oracle that never stops: decryptEnvelopedKey alone gives up the last block", () => {
  const recipient = makeRecipient();
  try {
    const secret = randomBytes(40); // the last block: 8 secret bytes and 8 bytes of padding
    const ciphertext = opensslEncrypt(recipient.kmsStyleCert, secret, { keyid: true });
    const result = paddingOracleAttack(ciphertext, (altered) => {
      try {
        decryptEnvelopedKey(altered, recipient.privateKey);
        return true;
      } catch (e) {
        if (!(e instanceof EnvelopeDecryptionError)) throw e;
        return false;
      }
    });
    expect(result.lastBlock).toEqual(Buffer.concat([secret.subarray(32), Buffer.alloc(8, 8)]));
    expect(result.queries).toBeGreaterThan(100);
  } finally {
    recipient.cleanup();
  }
});

test("the same attack against the handle recovers nothing: the query after the first failure meets a retired key", async () => {
  const handle = await newHandle();
  const secret = randomBytes(40);
  const ciphertext = encryptTo(handle.publicKey, secret);
  const seen: string[] = [];
  const result = paddingOracleAttack(ciphertext, (altered) => {
    try {
      handle.decryptKMSEnvelopedKey(altered);
      seen.push("decrypted");
      return true;
    } catch (e) {
      seen.push((e as Error).constructor.name);
      return false;
    }
  });
  expect(result.lastBlock).toBeNull();
  const firstFailure = seen.indexOf("EnvelopeDecryptionError");
  expect(firstFailure).toBeGreaterThanOrEqual(0);
  expect(seen.filter((s) => s === "EnvelopeDecryptionError")).toHaveLength(1);
  expect(seen.slice(firstFailure + 1).every((s) => s === "KeyRetiredError")).toBe(true);
  expect(seen.length).toBeGreaterThan(firstFailure + 1);
  // the genuine ciphertext is refused too: its key is gone
  expect(thrown(() => handle.decryptKMSEnvelopedKey(ciphertext))).toBeInstanceOf(KeyRetiredError);
});

test("after a failure the handle attests a new key, which decrypts; the old key's ciphertexts get KeyRetiredError", async () => {
  const handle = await newHandle();
  const oldKey = handle.publicKey;
  const earlier = encryptTo(oldKey, randomBytes(32)); // a genuine ciphertext still on its way
  expect(thrown(() => handle.decryptKMSEnvelopedKey(tampered(oldKey)))).toBeInstanceOf(EnvelopeDecryptionError);

  const retired = thrown(() => handle.decryptKMSEnvelopedKey(earlier)) as KeyRetiredError;
  expect(retired).toBeInstanceOf(KeyRetiredError);
  expect(retired.code).toBe("ENCLAVE_KEY_RETIRED");

  const { AttestationDocument, KeyEncryptionAlgorithm } = await handle.recipient();
  expect(KeyEncryptionAlgorithm).toBe("RSAES_OAEP_SHA_256");
  const newKey = verifyAttestation(AttestationDocument, trust).publicKey!;
  expect(Buffer.from(newKey).equals(Buffer.from(oldKey))).toBe(false);
  expect(handle.publicKey).toEqual(newKey);
  const dataKey = randomBytes(32);
  expect(handle.decryptKMSEnvelopedKey(encryptTo(newKey, dataKey))).toEqual(dataKey);
  expect(thrown(() => handle.decryptKMSEnvelopedKey(earlier))).toBeInstanceOf(KeyRetiredError);
});

test("failures that never reach the key do not count: malformed input and ciphertexts for another key", async () => {
  const handle = await newHandle();
  const other = new Uint8Array(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" }));
  for (let i = 0; i < 5; i++) {
    expect(thrown(() => handle.decryptKMSEnvelopedKey(Buffer.from("not cms")))).toBeInstanceOf(EnvelopeDecryptionError);
    expect(thrown(() => handle.decryptKMSEnvelopedKey(encryptTo(other, randomBytes(32))))).toBeInstanceOf(RecipientKeyMismatchError);
  }
  const dataKey = randomBytes(32);
  expect(handle.decryptKMSEnvelopedKey(encryptTo(handle.publicKey, dataKey))).toEqual(dataKey);
});

test("maxDecryptionFailures allows a few failures per key, then retires it", async () => {
  const handle = await newHandle({ maxDecryptionFailures: 3 });
  const key = handle.publicKey;
  const dataKey = randomBytes(32);
  const genuine = encryptTo(key, dataKey);
  for (let i = 0; i < 2; i++) {
    expect(thrown(() => handle.decryptKMSEnvelopedKey(tampered(key)))).toBeInstanceOf(EnvelopeDecryptionError);
    expect(handle.decryptKMSEnvelopedKey(genuine)).toEqual(dataKey);
  }
  expect(thrown(() => handle.decryptKMSEnvelopedKey(tampered(key)))).toBeInstanceOf(EnvelopeDecryptionError);
  expect(thrown(() => handle.decryptKMSEnvelopedKey(genuine))).toBeInstanceOf(KeyRetiredError);
});

test("with rotateRetiredKeys: false a retired handle refuses to attest or decrypt", async () => {
  const handle = await newHandle({ rotateRetiredKeys: false });
  const key = handle.publicKey;
  expect(thrown(() => handle.decryptKMSEnvelopedKey(tampered(key)))).toBeInstanceOf(EnvelopeDecryptionError);
  await expect(handle.attest()).rejects.toBeInstanceOf(KeyRetiredError);
  await expect(handle.recipient()).rejects.toBeInstanceOf(KeyRetiredError);
  expect(() => handle.publicKey).toThrow(KeyRetiredError);
  expect(JSON.parse(JSON.stringify(handle)).publicKey).toBeNull();
  // a document for a caller's own key does not need the handle's
  expect(verifyAttestation(await handle.attest({ noPublicKey: true }), trust).publicKey).toBeNull();
});

test("a failed key generation during rotation surfaces as EnclaveHandleError and is tried again", async () => {
  const handle = await newHandle();
  const crypto = jest.requireActual("node:crypto") as typeof import("node:crypto");
  const spy = jest.spyOn(crypto, "generateKeyPair").mockImplementationOnce(((...args: unknown[]) => {
    (args[args.length - 1] as (e: Error) => void)(new Error("no entropy"));
  }) as never);
  try {
    expect(thrown(() => handle.decryptKMSEnvelopedKey(tampered(handle.publicKey)))).toBeInstanceOf(EnvelopeDecryptionError);
    await expect(handle.recipient()).rejects.toBeInstanceOf(EnclaveHandleError);
  } finally {
    spy.mockRestore();
  }
  const { AttestationDocument } = await handle.recipient();
  expect(verifyAttestation(AttestationDocument, trust).publicKey).toEqual(handle.publicKey);
});

test("recipient() is KMS's Recipient for the current key, with the caller's nonce and user data", async () => {
  const handle = await newHandle();
  const nonce = randomBytes(32);
  const recipient = await handle.recipient({ nonce, userData: Buffer.from("job 7") });
  expect(Object.keys(recipient).sort()).toEqual(["AttestationDocument", "KeyEncryptionAlgorithm"]);
  expect(recipient.AttestationDocument).toBeInstanceOf(Uint8Array);
  const doc = verifyAttestation(recipient.AttestationDocument, { ...trust, expectedNonce: nonce });
  expect(doc.publicKey).toEqual(handle.publicKey);
  expect(Buffer.from(doc.userData!).toString()).toBe("job 7");
  await expect(handle.recipient({ publicKey: new Uint8Array(8) } as never)).rejects.toBeInstanceOf(NsmArgumentError);
  await expect(handle.recipient({ nonce: "n" } as never)).rejects.toBeInstanceOf(NsmArgumentError);
});

test("the options that set the failure budget are checked", async () => {
  for (const bad of [{ maxDecryptionFailures: 0 }, { maxDecryptionFailures: 9 }, { maxDecryptionFailures: 1.5 }, { rotateRetiredKeys: "yes" }]) {
    await expect(EnclaveHandle.create({ transport: {} as NsmTransport, ...bad } as never)).rejects.toBeInstanceOf(NsmArgumentError);
  }
});
