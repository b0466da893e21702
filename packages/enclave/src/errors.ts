// Every error this package throws is an EnclaveError with a stable `code`: callers branch on `code` (or
// `instanceof`), never on message text. EnclaveError is a NitroEnclavesError, so one `catch` covers the
// nsm package's errors and these alike.
import { NitroEnclavesError } from "@nitro-enclaves-sdk/nsm";

export class EnclaveError extends NitroEnclavesError {
  static override readonly code: string = "ENCLAVE_ERROR";
}

/** An argument or options object given to this package is of the wrong type or range. */
export class EnclaveOptionsError extends EnclaveError {
  static override readonly code: string = "ENCLAVE_BAD_OPTIONS";
}

/** The enclave handle could not produce a `Recipient` (the NSM failed or answered nonsense); `cause` says why. */
export class AttestationUnavailableError extends EnclaveError {
  static override readonly code: string = "ENCLAVE_ATTESTATION_FAILED";
  constructor(message = "could not obtain an attestation document for the KMS Recipient", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A KMS response to a request sent with our `Recipient` is not shaped as KMS shapes one. Whoever relays the
 * traffic could strip or add fields, so such a response is refused, never passed on. `operation` names
 * the KMS operation (e.g. "Decrypt").
 */
export class AttestedResponseError extends EnclaveError {
  readonly operation: string;
  constructor(message: string, operation: string) {
    super(message);
    this.operation = operation;
  }
}

/** A `Recipient` was sent, and the response has no `CiphertextForRecipient`. */
export class MissingCiphertextForRecipientError extends AttestedResponseError {
  static override readonly code: string = "ENCLAVE_MISSING_CIPHERTEXT_FOR_RECIPIENT";
  constructor(operation: string) {
    super(`the ${operation} response has no CiphertextForRecipient although a Recipient was sent`, operation);
  }
}

/** A `Recipient` was sent, and the response carries a plaintext field (which KMS leaves null or empty then). */
export class UnexpectedPlaintextError extends AttestedResponseError {
  static override readonly code: string = "ENCLAVE_UNEXPECTED_PLAINTEXT";
  readonly member: string;
  constructor(operation: string, member: string) {
    super(`the ${operation} response carries ${member} although a Recipient was sent`, operation);
    this.member = member;
  }
}

/**
 * The response's `CiphertextForRecipient` could not be decrypted by the enclave handle. The message is
 * always the same; `cause` is the handle's own (typed, equally terse) error.
 */
export class RecipientDecryptionError extends EnclaveError {
  static override readonly code: string = "ENCLAVE_DECRYPTION_FAILED";
  constructor(options?: { cause?: unknown }) {
    super("could not decrypt the KMS response for this enclave", options);
  }
}
