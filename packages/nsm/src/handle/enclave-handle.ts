// The enclave handle: an RSA key pair born in this process plus an NSM client. attest() and
// recipient() put the public key in an attestation document (the `Recipient` for KMS);
// decryptKMSEnvelopedKey() opens the CiphertextForRecipient KMS returns. The private key lives in a
// private field: it is never serialised, inspected, logged or put in an error.
//
// Fail-stop key use: CMS EnvelopedData has no integrity check, so whoever relays ciphertexts into
// the enclave and learns whether each one decrypted could run a padding-oracle attack, thousands of
// altered ciphertexts against one key. A key that fails to decrypt (by default once) is retired: it
// never decrypts again, a ciphertext addressed to it gets KeyRetiredError, and the handle makes a
// new key, which the next attest()/recipient() carries. The attacker gets one query per key.
import { createHash, createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { isBytes, ownOptions } from "../arguments.js";
import { decryptFields, readFields } from "../cms/decrypt.js";
import { EnclaveHandleError, EnvelopeDecryptionError, KeyRetiredError, NsmArgumentError, RecipientKeyMismatchError } from "../errors.js";
import { NsmClient } from "../nsm/client.js";
import { DeviceTransport } from "../nsm/device-transport.js";
import type { NsmDescription } from "../nsm/responses.js";
import type { NsmTransport } from "../nsm/transport.js";

export type RsaModulusBits = 2048 | 3072 | 4096;
const MODULUS_SIZES: readonly number[] = [2048, 3072, 4096];
/** getRandom() refuses more than this in one call (4096 NSM round trips). */
export const GET_RANDOM_MAX_BYTES = 1 << 20;
/** The most failed decryptions a key may be allowed before it is retired. */
export const MAX_DECRYPTION_FAILURES_LIMIT = 8;
/** Identifiers of retired keys kept to tell "retired" from "another key's ciphertext". */
const RETIRED_KEYS_REMEMBERED = 64;

export interface EnclaveHandleOptions {
  /** How to reach the NSM. Default: /dev/nsm (DeviceTransport). Use a SimulatedNsm for local development. */
  transport?: NsmTransport;
  /** RSA key size; default 2048. */
  rsaModulusBits?: RsaModulusBits;
  /**
   * Failed decryptions a key may see before it is retired: 1 (default) to 8. Every failure tells
   * whoever sent the ciphertext one bit; keep it at 1 unless something you trust corrupts ciphertexts.
   */
  maxDecryptionFailures?: number;
  /**
   * Make a new key when one is retired (default true). When false, a handle whose key is retired
   * refuses attest(), recipient() and decryption with KeyRetiredError from then on.
   */
  rotateRetiredKeys?: boolean;
}

export interface AttestOptions {
  nonce?: Uint8Array;
  userData?: Uint8Array;
  /** Put this public key in the document instead of the handle's own (the handle then cannot decrypt for it). */
  publicKey?: Uint8Array;
  /** Put no public key in the document at all. */
  noPublicKey?: boolean;
}

export interface RecipientOptions {
  nonce?: Uint8Array;
  userData?: Uint8Array;
}

/** KMS's `Recipient` parameter (RecipientInfo), as Decrypt, GenerateDataKey and the others take it. */
export interface KmsRecipient {
  AttestationDocument: Uint8Array;
  KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256";
}

interface ResolvedHandleOptions {
  transport: NsmTransport | undefined;
  rsaModulusBits: RsaModulusBits;
  maxDecryptionFailures: number;
  rotateRetiredKeys: boolean;
}

const HANDLE_OPTIONS = ["transport", "rsaModulusBits", "maxDecryptionFailures", "rotateRetiredKeys"] as const;
const argumentError = (message: string) => new NsmArgumentError(message);

/** The handle options, checked; `given` holds only what the caller set. */
export function checkHandleOptions(options: unknown): { resolved: ResolvedHandleOptions; given: Partial<ResolvedHandleOptions> } {
  const given = ownOptions(options, HANDLE_OPTIONS, argumentError, "handle options");
  const { transport, rsaModulusBits = 2048, maxDecryptionFailures = 1, rotateRetiredKeys = true } = given;
  if (transport !== undefined && (typeof transport !== "object" || transport === null || typeof (transport as NsmTransport).request !== "function")) {
    throw argumentError("options.transport must have a request(bytes) method");
  }
  if (typeof rsaModulusBits !== "number" || !MODULUS_SIZES.includes(rsaModulusBits)) throw argumentError("options.rsaModulusBits must be 2048, 3072 or 4096");
  if (typeof maxDecryptionFailures !== "number" || !Number.isInteger(maxDecryptionFailures) || maxDecryptionFailures < 1 || maxDecryptionFailures > MAX_DECRYPTION_FAILURES_LIMIT) {
    throw argumentError(`options.maxDecryptionFailures must be an integer from 1 to ${MAX_DECRYPTION_FAILURES_LIMIT}`);
  }
  if (typeof rotateRetiredKeys !== "boolean") throw argumentError("options.rotateRetiredKeys must be a boolean");
  return {
    resolved: { transport: transport as NsmTransport | undefined, rsaModulusBits: rsaModulusBits as RsaModulusBits, maxDecryptionFailures, rotateRetiredKeys },
    given: given as Partial<ResolvedHandleOptions>,
  };
}

/** One RSA key of the handle. `privateKey` is dropped when the key is retired. */
interface EnclaveKey {
  privateKey: KeyObject | undefined;
  /** DER SubjectPublicKeyInfo */
  publicKey: Uint8Array;
  /** SHA-256 of publicKey: how KMS addresses the key (hex) */
  id: string;
  failures: number;
}

async function newKey(bits: RsaModulusBits): Promise<EnclaveKey> {
  const privateKey = await new Promise<KeyObject>((resolve, reject) => {
    generateKeyPair("rsa", { modulusLength: bits, publicExponent: 0x10001 }, (cause, _publicKey, key) => {
      if (cause) reject(new EnclaveHandleError(`could not generate an RSA-${bits} key pair`, { cause }));
      else resolve(key);
    });
  });
  const publicKey = new Uint8Array(createPublicKey(privateKey).export({ type: "spki", format: "der" }));
  return { privateKey, publicKey, id: createHash("sha256").update(publicKey).digest("hex"), failures: 0 };
}

export class EnclaveHandle {
  readonly rsaModulusBits: RsaModulusBits;
  /** What the NSM said about itself when the handle was created. */
  readonly nsm: NsmDescription;
  readonly #client: NsmClient;
  readonly #maxFailures: number;
  readonly #rotate: boolean;
  #key: EnclaveKey;
  /** ids of retired keys, oldest first */
  readonly #retired = new Set<string>();
  #rotation: Promise<void> | undefined;

  private constructor(client: NsmClient, nsm: NsmDescription, key: EnclaveKey, options: ResolvedHandleOptions) {
    this.#client = client;
    this.nsm = nsm;
    this.#key = key;
    this.rsaModulusBits = options.rsaModulusBits;
    this.#maxFailures = options.maxDecryptionFailures;
    this.#rotate = options.rotateRetiredKeys;
  }

  /**
   * A new handle (not the process-wide one: see getOrInitializeHandle). Checks that the NSM answers
   * and generates the key pair, concurrently. Errors from the NSM pass through as their typed errors.
   */
  static async create(options?: EnclaveHandleOptions): Promise<EnclaveHandle> {
    const { resolved } = checkHandleOptions(options);
    const client = new NsmClient(resolved.transport ?? new DeviceTransport());
    try {
      const [description, key] = await Promise.all([client.describeNsm(), newKey(resolved.rsaModulusBits)]);
      return new EnclaveHandle(client, description, key, resolved);
    } catch (error) {
      if (resolved.transport === undefined) client.close(); // ours to close; a caller's transport stays open
      throw error;
    }
  }

  /** The current key's RSA public key, DER SubjectPublicKeyInfo (a copy). KeyRetiredError while it has none. */
  get publicKey(): Uint8Array {
    if (this.#key.privateKey === undefined) throw new KeyRetiredError();
    return Uint8Array.from(this.#key.publicKey);
  }

  /** An attestation document (COSE_Sign1 bytes) carrying the handle's current public key unless told otherwise. */
  async attest(options?: AttestOptions): Promise<Uint8Array> {
    const { nonce, userData, publicKey, noPublicKey } = ownOptions(options, ["nonce", "userData", "publicKey", "noPublicKey"], argumentError, "attest() options");
    if (noPublicKey !== undefined && typeof noPublicKey !== "boolean") throw argumentError("noPublicKey must be a boolean");
    if (noPublicKey && publicKey !== undefined) throw argumentError("give either publicKey or noPublicKey, not both");
    if (publicKey !== undefined && !isBytes(publicKey)) throw argumentError("publicKey must be a Uint8Array");
    const request = { nonce: nonce as Uint8Array | undefined, userData: userData as Uint8Array | undefined };
    if (noPublicKey) return this.#client.attestation({ ...request, publicKey: null });
    if (publicKey !== undefined) return this.#client.attestation({ ...request, publicKey });
    const key = await this.#usableKey();
    return this.#client.attestation({ ...request, publicKey: key.publicKey });
  }

  /**
   * A fresh `Recipient` for KMS (Decrypt, GenerateDataKey, GenerateDataKeyPair, GenerateRandom,
   * DeriveSharedSecret): an attestation document carrying the handle's current key, and the only
   * algorithm KMS offers.
   */
  async recipient(options?: RecipientOptions): Promise<KmsRecipient> {
    const { nonce, userData } = ownOptions(options, ["nonce", "userData"], argumentError, "recipient() options");
    const document = await this.attest({ nonce: nonce as Uint8Array | undefined, userData: userData as Uint8Array | undefined });
    return { AttestationDocument: document, KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" };
  }

  /**
   * Decrypts a KMS CiphertextForRecipient made for this handle's current key (returns the
   * plaintext, e.g. a data key). Fails with KeyRetiredError when it is addressed to a key the handle
   * has retired, RecipientKeyMismatchError when it is addressed to a key the handle never had (a
   * document attested with a caller's own publicKey), and EnvelopeDecryptionError otherwise. An
   * EnvelopeDecryptionError from the key itself counts against it (see maxDecryptionFailures);
   * ciphertexts that never reach the key (malformed, or for another key) do not.
   */
  decryptKMSEnvelopedKey(ciphertextForRecipient: Uint8Array): Buffer {
    if (!isBytes(ciphertextForRecipient)) throw new EnvelopeDecryptionError("ciphertextForRecipient is not a Uint8Array");
    const fields = readFields(ciphertextForRecipient);
    const recipient = Buffer.from(fields.subjectKeyIdentifier).toString("hex");
    const key = this.#key;
    if (recipient !== key.id) {
      if (this.#retired.has(recipient)) throw new KeyRetiredError();
      throw new RecipientKeyMismatchError(
        "the ciphertext was encrypted for another public key, not this handle's: was the attestation document made with attest({ publicKey }) or by another handle?",
      );
    }
    if (key.privateKey === undefined) throw new KeyRetiredError();
    try {
      return decryptFields(fields, key.privateKey);
    } catch (error) {
      if (++key.failures >= this.#maxFailures) this.#retire(key);
      throw error;
    }
  }

  #retire(key: EnclaveKey): void {
    key.privateKey = undefined;
    this.#retired.add(key.id);
    if (this.#retired.size > RETIRED_KEYS_REMEMBERED) this.#retired.delete(this.#retired.values().next().value as string);
    if (this.#rotate && this.#rotation === undefined) this.#startRotation();
  }

  #startRotation(): void {
    const rotation: Promise<void> = newKey(this.rsaModulusBits).then(
      (key) => {
        this.#key = key;
      },
    );
    const settled = () => {
      if (this.#rotation === rotation) this.#rotation = undefined;
    };
    rotation.then(settled, settled); // a failed rotation is tried again by the next attest()/recipient()
    this.#rotation = rotation;
  }

  /** The current key once it can decrypt: waits for a rotation under way, starts one if needed. */
  async #usableKey(): Promise<EnclaveKey> {
    if (this.#key.privateKey === undefined && this.#rotation === undefined) {
      if (!this.#rotate) throw new KeyRetiredError();
      this.#startRotation();
    }
    if (this.#rotation !== undefined) await this.#rotation; // rejects with EnclaveHandleError when key generation failed
    const key = this.#key;
    if (key.privateKey === undefined) throw new KeyRetiredError(); // retired again while we waited
    return key;
  }

  /** `length` random bytes from the NSM (GetRandom repeated as needed). */
  async getRandom(length: number): Promise<Uint8Array> {
    if (typeof length !== "number" || !Number.isInteger(length) || length < 0 || length > GET_RANDOM_MAX_BYTES) {
      throw new NsmArgumentError(`getRandom length must be an integer from 0 to ${GET_RANDOM_MAX_BYTES}`);
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const chunk = await this.#client.getRandom(); // never empty: the client refuses an empty answer
      const n = Math.min(chunk.length, length - filled);
      out.set(chunk.subarray(0, n), filled);
      filled += n;
    }
    return out;
  }

  /** Closes the NSM transport. */
  close(): void {
    this.#client.close();
  }

  toJSON(): { publicKey: string | null; rsaModulusBits: number; moduleId: string } {
    const key = this.#key;
    return { publicKey: key.privateKey === undefined ? null : Buffer.from(key.publicKey).toString("base64"), rsaModulusBits: this.rsaModulusBits, moduleId: this.nsm.moduleId };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `EnclaveHandle { rsaModulusBits: ${this.rsaModulusBits}, moduleId: ${JSON.stringify(this.nsm.moduleId)} }`;
  }
}
