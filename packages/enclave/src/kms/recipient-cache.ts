// Where enclaveRecipient() gets the `Recipient` of each call: from the enclave handle, and, for a bounded
// time, the same attestation document again, so that a burst of calls does not pay an NSM round trip
// each. Calls that arrive while a document is being made wait for that one. A document is forgotten when
// its time is up, when a call that carried it failed, and whenever the caller says so (drop/refresh).
import type { EnclaveHandle } from "@nitro-enclaves-sdk/nsm";
import { AttestationUnavailableError } from "../errors.js";
import { ownProperty } from "../own-property.js";

/**
 * What the plugin needs of an enclave handle (`EnclaveHandle` from @nitro-enclaves-sdk/nsm has both;
 * decryptKMSEnvelopedKey may also answer with a promise, as a handle made on first use does).
 */
export interface RecipientHandle {
  recipient: EnclaveHandle["recipient"];
  decryptKMSEnvelopedKey(ciphertextForRecipient: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

export interface KmsRecipient {
  AttestationDocument: Uint8Array;
  KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256";
}

/** One attestation document as handed to a call; `drop(lease)` forgets it if it is still the current one. */
export interface RecipientLease {
  /** A `Recipient` of the call's own (a new object and a copy of the document's bytes each time). */
  recipient(): KmsRecipient;
}

interface Entry {
  document: Promise<Uint8Array>;
  expiresAt: number;
}

class Lease implements RecipientLease {
  constructor(
    readonly entry: Entry,
    private readonly document: Uint8Array,
  ) {}
  recipient(): KmsRecipient {
    return { AttestationDocument: new Uint8Array(this.document), KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" };
  }
}

export class RecipientCache {
  #entry: Entry | undefined;

  constructor(
    private readonly handle: RecipientHandle,
    private readonly reuseMs: number,
    /** Milliseconds on a monotonic clock. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A Recipient for the next call: the current document while it may be reused, else a new one. */
  async get(): Promise<RecipientLease> {
    const current = this.#entry;
    if (current && this.now() < current.expiresAt) return this.#lease(current);
    return this.refresh();
  }

  /** A new document, whatever is cached; it becomes the current one. */
  async refresh(): Promise<RecipientLease> {
    const entry: Entry = { expiresAt: this.now() + this.reuseMs, document: this.#attest() };
    if (this.reuseMs > 0) this.#entry = entry;
    return this.#lease(entry);
  }

  /** Forgets the lease's document if it is still the current one (a newer one stays). */
  drop(lease: RecipientLease): void {
    if (lease instanceof Lease && this.#entry === lease.entry) this.#entry = undefined;
  }

  async #lease(entry: Entry): Promise<Lease> {
    try {
      return new Lease(entry, await entry.document);
    } catch (error) {
      if (this.#entry === entry) this.#entry = undefined; // a failed attestation is never reused
      throw error;
    }
  }

  async #attest(): Promise<Uint8Array> {
    let recipient: unknown;
    try {
      recipient = await this.handle.recipient();
    } catch (cause) {
      throw new AttestationUnavailableError(undefined, { cause });
    }
    const document = ownProperty(recipient, "AttestationDocument");
    if (!(document instanceof Uint8Array) || document.length === 0 || ownProperty(recipient, "KeyEncryptionAlgorithm") !== "RSAES_OAEP_SHA_256") {
      throw new AttestationUnavailableError("the enclave handle returned a malformed Recipient");
    }
    return new Uint8Array(document); // a copy of ours (a Buffer.slice would share memory): nothing the handle keeps can change it later
  }
}
