// EnclaveHandle over the simulated NSM: attestation carries the handle's key, openssl-made
// CiphertextForRecipient decrypts, a caller's own public key fails clearly, and the private key is
// unreachable from JSON, util.inspect, console output and errors.
import { existsSync } from "node:fs";
import { createPublicKey, generateKeyPairSync, KeyObject, randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { Console } from "node:console";
import { Writable } from "node:stream";
import { EnclaveHandle } from "../../src/handle/enclave-handle";
import { SimulatedNsm } from "../../src/simulator/simulated-nsm";
import { createSimulatorCa } from "../../src/simulator/ca";
import { verifyAttestation } from "../../src/attestation/verify";
import type { NsmTransport } from "../../src/nsm/transport";
import { EnvelopeDecryptionError, NsmArgumentError, NsmNotInEnclaveError, RecipientKeyMismatchError } from "../../src/errors";
import { encryptTo, opensslKeyBits } from "./openssl-recipient";

const ca = createSimulatorCa();
const trust = { trustedRoots: [ca.certificate] };
let handle: EnclaveHandle;
beforeAll(async () => {
  handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
});

test("the key is RSA-2048 by default, published as DER SubjectPublicKeyInfo", () => {
  expect(handle.rsaModulusBits).toBe(2048);
  expect(opensslKeyBits(handle.publicKey)).toBe(2048);
  expect(createPublicKey({ key: Buffer.from(handle.publicKey), format: "der", type: "spki" }).asymmetricKeyType).toBe("rsa");
  // the getter hands out a copy
  handle.publicKey.fill(0);
  expect(handle.publicKey.some((b) => b !== 0)).toBe(true);
});

test("3072 and 4096 bits are selectable", async () => {
  const [h3, h4] = await Promise.all([3072, 4096].map((bits) => EnclaveHandle.create({ transport: new SimulatedNsm({ ca }), rsaModulusBits: bits as 3072 | 4096 })));
  expect(opensslKeyBits(h3!.publicKey)).toBe(3072);
  expect(opensslKeyBits(h4!.publicKey)).toBe(4096);
});

test("attest() puts the handle's public key, the nonce and the user data in a document that verifies", async () => {
  const nonce = randomBytes(32);
  const doc = await handle.attest({ nonce, userData: Buffer.from("job 42") });
  const parsed = verifyAttestation(doc, { ...trust, expectedNonce: nonce });
  expect(parsed.publicKey).toEqual(handle.publicKey);
  expect(Buffer.from(parsed.userData!).toString()).toBe("job 42");
  const bare = verifyAttestation(await handle.attest({ noPublicKey: true }), trust);
  expect(bare.publicKey).toBeNull();
  expect(bare.nonce).toBeNull();
});

test("attest() refuses contradictory or mistyped options", async () => {
  await expect(handle.attest({ noPublicKey: true, publicKey: new Uint8Array(4) })).rejects.toBeInstanceOf(NsmArgumentError);
  await expect(handle.attest({ nonce: "abc" as unknown as Uint8Array })).rejects.toBeInstanceOf(NsmArgumentError);
  await expect(handle.attest({ noPublicKey: "yes" as unknown as boolean })).rejects.toBeInstanceOf(NsmArgumentError);
});

test("decryptKMSEnvelopedKey opens CiphertextForRecipient made by openssl for the handle's key", () => {
  const dataKey = randomBytes(32);
  for (const stream of [false, true]) {
    expect(handle.decryptKMSEnvelopedKey(encryptTo(handle.publicKey, dataKey, stream))).toEqual(dataKey);
  }
});

test("a document attested with the caller's own public key cannot be decrypted by the handle, and says why", async () => {
  const own = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ownSpki = new Uint8Array(own.publicKey.export({ type: "spki", format: "der" }));
  const doc = await handle.attest({ publicKey: ownSpki });
  expect(verifyAttestation(doc, trust).publicKey).toEqual(ownSpki);
  const ciphertext = encryptTo(ownSpki, randomBytes(32)); // what KMS would return for that document
  const error = (() => {
    try {
      handle.decryptKMSEnvelopedKey(ciphertext);
    } catch (e) {
      return e;
    }
  })();
  expect(error).toBeInstanceOf(RecipientKeyMismatchError);
  expect(error).toMatchObject({ code: "RECIPIENT_KEY_MISMATCH" });
  expect((error as Error).message).toMatch(/another public key/);
});

test("other failures stay the envelope's opaque error", async () => {
  const own = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
  const good = encryptTo(own.publicKey, randomBytes(32));
  const tampered = Buffer.from(good);
  tampered[tampered.length - 20]! ^= 0xff; // inside the content: padding or key check fails, rid intact
  for (const bad of [new Uint8Array(0), Buffer.from("not cms"), tampered]) {
    expect(() => own.decryptKMSEnvelopedKey(bad)).toThrow(EnvelopeDecryptionError);
  }
});

test("getRandom(n) loops GetRandom until it has n bytes", async () => {
  const nsm = new SimulatedNsm({ ca });
  let calls = 0;
  const counting: NsmTransport = { request: (r) => { if (Buffer.from(r).includes("GetRandom")) calls++; return nsm.request(r); } };
  const h = await EnclaveHandle.create({ transport: counting });
  expect(await h.getRandom(0)).toHaveLength(0);
  const bytes = await h.getRandom(1000);
  expect(bytes).toHaveLength(1000);
  expect(calls).toBe(4); // 256 bytes per GetRandom
  expect(new Set(bytes).size).toBeGreaterThan(200);
  for (const bad of [-1, 1.5, "8", (1 << 20) + 1]) await expect(h.getRandom(bad as number)).rejects.toBeInstanceOf(NsmArgumentError);
});

test("bad options are refused", async () => {
  await expect(EnclaveHandle.create({ rsaModulusBits: 1024 as 2048, transport: new SimulatedNsm({ ca }) })).rejects.toBeInstanceOf(NsmArgumentError);
  await expect(EnclaveHandle.create({ transport: {} as NsmTransport })).rejects.toBeInstanceOf(NsmArgumentError);
  await expect(EnclaveHandle.create(7 as never)).rejects.toBeInstanceOf(NsmArgumentError);
});

(existsSync("/dev/nsm") ? test.skip : test)("by default it uses /dev/nsm and never falls back to the simulator", async () => {
  await expect(EnclaveHandle.create()).rejects.toBeInstanceOf(NsmNotInEnclaveError);
});

describe("the private key never shows", () => {
  /** Every value reachable through own properties (string and symbol keys, enumerable or not). */
  function reachable(root: unknown): unknown[] {
    const seen = new Set<unknown>();
    const walk = (v: unknown) => {
      if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v)) return;
      seen.add(v);
      for (const key of Reflect.ownKeys(v as object)) {
        const d = Object.getOwnPropertyDescriptor(v, key);
        if (d && "value" in d) walk(d.value);
      }
    };
    walk(root);
    return [...seen];
  }

  test("no property of the handle reaches a private KeyObject", () => {
    expect(reachable(handle).some((v) => v instanceof KeyObject && v.type === "private")).toBe(false);
  });

  test("JSON, util.inspect and console.log show the public key only", () => {
    const json = JSON.stringify(handle);
    expect(JSON.parse(json)).toEqual({ publicKey: Buffer.from(handle.publicKey).toString("base64"), rsaModulusBits: 2048, moduleId: handle.nsm.moduleId });
    const shown = [json, inspect(handle, { showHidden: true, depth: Infinity }), String(handle), `${inspect({ nested: [handle] }, { depth: 5 })}`];
    // console.log as a real Console writes it, captured from its stream
    const logged: string[] = [];
    const stream = new Writable({ write(chunk, _encoding, done) { logged.push(String(chunk)); done(); } });
    const logger = new Console({ stdout: stream, stderr: stream });
    logger.log(handle);
    logger.log("%o", handle);
    logger.error(handle);
    expect(logged.join("")).toMatch(/EnclaveHandle/);
    for (const s of [...shown, ...logged]) {
      expect(s).not.toMatch(/PRIVATE|KeyObject|privateKey|BEGIN/i);
    }
  });

  test("errors carry no key material", async () => {
    const errors: unknown[] = [];
    for (const attempt of [
      () => handle.decryptKMSEnvelopedKey(Buffer.from("x")),
      () => handle.decryptKMSEnvelopedKey(encryptTo(new Uint8Array(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "der" })), randomBytes(8))),
      () => handle.getRandom(-1),
    ]) {
      try {
        await attempt();
      } catch (e) {
        errors.push(e);
      }
    }
    expect(errors).toHaveLength(3);
    for (const e of errors) {
      expect(reachable(e).some((v) => v instanceof KeyObject)).toBe(false);
      expect(inspect(e, { showHidden: true, depth: Infinity }) + JSON.stringify(e)).not.toMatch(/PRIVATE|KeyObject/);
    }
  });
});
