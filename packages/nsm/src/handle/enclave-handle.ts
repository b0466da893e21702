// The enclave handle: an RSA key pair born in this process plus an NSM client. attest() puts the
// public key in an attestation document (the `Recipient` for KMS); decryptKMSEnvelopedKey() opens the
// CiphertextForRecipient KMS returns. The private key lives in a private field: it is never
// serialised, inspected, logged or put in an error.
import { createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { decryptEnvelopedKey, subjectKeyIdentifierOf } from "../cms/decrypt.js";
import { parseEnvelopedData } from "../cms/parse.js";
import { EnclaveHandleError, EnvelopeDecryptionError, NsmArgumentError, RecipientKeyMismatchError } from "../errors.js";
import { NsmClient } from "../nsm/client.js";
import { DeviceTransport } from "../nsm/device-transport.js";
import type { NsmDescription } from "../nsm/responses.js";
import type { NsmTransport } from "../nsm/transport.js";

const generateKeyPairAsync = promisify(generateKeyPair);

export type RsaModulusBits = 2048 | 3072 | 4096;
const MODULUS_SIZES: readonly number[] = [2048, 3072, 4096];
/** getRandom() refuses more than this in one call (4096 NSM round trips). */
export const GET_RANDOM_MAX_BYTES = 1 << 20;

export interface EnclaveHandleOptions {
  /** How to reach the NSM. Default: /dev/nsm (DeviceTransport). Use a SimulatedNsm for local development. */
  transport?: NsmTransport;
  /** RSA key size; default 2048. */
  rsaModulusBits?: RsaModulusBits;
}

export interface AttestOptions {
  nonce?: Uint8Array;
  userData?: Uint8Array;
  /** Put this public key in the document instead of the handle's own (the handle then cannot decrypt for it). */
  publicKey?: Uint8Array;
  /** Put no public key in the document at all. */
  noPublicKey?: boolean;
}

export function checkHandleOptions(options: unknown): Required<Pick<EnclaveHandleOptions, "rsaModulusBits">> & EnclaveHandleOptions {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null) throw new NsmArgumentError("handle options must be an object");
  const { transport, rsaModulusBits = 2048 } = options as EnclaveHandleOptions;
  if (transport !== undefined && (typeof transport !== "object" || transport === null || typeof transport.request !== "function")) {
    throw new NsmArgumentError("options.transport must have a request(bytes) method");
  }
  if (!MODULUS_SIZES.includes(rsaModulusBits)) throw new NsmArgumentError("options.rsaModulusBits must be 2048, 3072 or 4096");
  return { transport, rsaModulusBits };
}

export class EnclaveHandle {
  readonly rsaModulusBits: RsaModulusBits;
  /** What the NSM said about itself when the handle was created. */
  readonly nsm: NsmDescription;
  readonly #publicKey: Uint8Array;
  readonly #recipientId: Buffer;
  readonly #privateKey: KeyObject;
  readonly #client: NsmClient;

  private constructor(client: NsmClient, nsm: NsmDescription, privateKey: KeyObject, bits: RsaModulusBits) {
    this.#client = client;
    this.nsm = nsm;
    this.#privateKey = privateKey;
    this.rsaModulusBits = bits;
    this.#publicKey = new Uint8Array(createPublicKey(privateKey).export({ type: "spki", format: "der" }));
    this.#recipientId = subjectKeyIdentifierOf(privateKey); // the identifier decryption checks, computed once for both
  }

  /**
   * A new handle (not the process-wide one: see getOrInitializeHandle). Checks that the NSM answers
   * and generates the key pair, concurrently. Errors from the NSM pass through as their typed errors.
   */
  static async create(options?: EnclaveHandleOptions): Promise<EnclaveHandle> {
    const { transport, rsaModulusBits } = checkHandleOptions(options);
    const client = new NsmClient(transport ?? new DeviceTransport());
    const keyPair = generateKeyPairAsync("rsa", { modulusLength: rsaModulusBits, publicExponent: 0x10001 }).catch((cause: unknown) => {
      throw new EnclaveHandleError(`could not generate an RSA-${rsaModulusBits} key pair`, { cause });
    });
    try {
      const [description, { privateKey }] = await Promise.all([client.describeNsm(), keyPair]);
      return new EnclaveHandle(client, description, privateKey, rsaModulusBits);
    } catch (error) {
      if (transport === undefined) client.close(); // ours to close; a caller's transport stays open
      throw error;
    }
  }

  /** The handle's RSA public key, DER SubjectPublicKeyInfo (a copy). */
  get publicKey(): Uint8Array {
    return Uint8Array.from(this.#publicKey);
  }

  /** An attestation document (COSE_Sign1 bytes) carrying the handle's public key unless told otherwise. */
  async attest(options: AttestOptions = {}): Promise<Uint8Array> {
    if (typeof options !== "object" || options === null) throw new NsmArgumentError("attest() takes an options object");
    if (options.noPublicKey !== undefined && typeof options.noPublicKey !== "boolean") throw new NsmArgumentError("noPublicKey must be a boolean");
    if (options.noPublicKey && options.publicKey !== undefined) throw new NsmArgumentError("give either publicKey or noPublicKey, not both");
    const publicKey = options.noPublicKey ? null : (options.publicKey ?? this.#publicKey);
    return this.#client.attestation({ nonce: options.nonce, userData: options.userData, publicKey });
  }

  /**
   * A KMS `Recipient` for this handle's key: a fresh attestation document carrying the public key, and
   * the only key encryption algorithm KMS accepts.
   */
  async recipient(options: Pick<AttestOptions, "nonce" | "userData"> = {}): Promise<{ AttestationDocument: Uint8Array; KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" }> {
    if (typeof options !== "object" || options === null) throw new NsmArgumentError("recipient() takes an options object");
    const AttestationDocument = await this.attest({ nonce: options.nonce, userData: options.userData });
    return { AttestationDocument, KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" };
  }

  /**
   * Decrypts a KMS CiphertextForRecipient made for this handle's key (returns the plaintext, e.g. a
   * data key). A ciphertext made for another key (a document attested with a caller's own publicKey)
   * fails with RecipientKeyMismatchError; every other failure is EnvelopeDecryptionError.
   */
  decryptKMSEnvelopedKey(ciphertextForRecipient: Uint8Array): Buffer {
    try {
      return decryptEnvelopedKey(ciphertextForRecipient, this.#privateKey);
    } catch (error) {
      // Only after a failure, and only from the public recipient identifier: say clearly when the
      // ciphertext was simply made for another key. The reason for any other failure stays hidden.
      if (error instanceof EnvelopeDecryptionError) {
        let recipient: Uint8Array | undefined;
        try {
          recipient = parseEnvelopedData(ciphertextForRecipient).subjectKeyIdentifier;
        } catch {
          recipient = undefined;
        }
        if (recipient && !this.#recipientId.equals(recipient)) {
          throw new RecipientKeyMismatchError(
            "the ciphertext was encrypted for another public key, not this handle's: was the attestation document made with attest({ publicKey }) or by another handle?",
          );
        }
      }
      throw error;
    }
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

  toJSON(): { publicKey: string; rsaModulusBits: number; moduleId: string } {
    return { publicKey: Buffer.from(this.#publicKey).toString("base64"), rsaModulusBits: this.rsaModulusBits, moduleId: this.nsm.moduleId };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `EnclaveHandle { rsaModulusBits: ${this.rsaModulusBits}, moduleId: ${JSON.stringify(this.nsm.moduleId)} }`;
  }
}
