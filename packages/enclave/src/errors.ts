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

// ---- reaching KMS: egress, TLS, credentials, entropy ----

interface EgressErrorOptions {
  errno?: string;
  cause?: unknown;
}

/**
 * The way out of the enclave failed: a proxy, a vsock port, the socket under TLS, or the native calls that
 * drive it. When the OS reported an error, `errno` names it ("ECONNREFUSED") and `cause` is a Node-style
 * system error with that `code`, so the SDK's retry strategy treats resets and refusals as the transient
 * network errors they are.
 */
export class EgressError extends EnclaveError {
  static override readonly code: string = "ENCLAVE_EGRESS_FAILED";
  readonly errno: string | undefined;
  constructor(message: string, options?: EgressErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.errno = options?.errno;
  }
}

/** The proxy answered CONNECT with something other than 200 (407, 502, ...); `statusLine` is its answer. */
export class ProxyRefusedError extends EgressError {
  static override readonly code: string = "ENCLAVE_PROXY_REFUSED";
  readonly statusCode: number;
  readonly statusLine: string;
  constructor(statusCode: number, statusLine: string, target: string) {
    super(`the proxy refused CONNECT ${target}: ${statusLine}`);
    this.statusCode = statusCode;
    this.statusLine = statusLine;
  }
}

/** The proxy could not be reached (refused, unreachable), or closed the connection before answering CONNECT. */
export class ProxyUnreachableError extends EgressError {
  static override readonly code: string = "ENCLAVE_PROXY_UNREACHABLE";
}

/** Nothing listens on the vsock port (ECONNREFUSED, or the peer reset the connection attempt). */
export class VsockRefusedError extends EgressError {
  static override readonly code: string = "ENCLAVE_VSOCK_REFUSED";
}

/** The vsock address cannot be reached from here: no transport to that CID (ENODEV), or no AF_VSOCK at all. */
export class VsockUnreachableError extends EgressError {
  static override readonly code: string = "ENCLAVE_VSOCK_UNREACHABLE";
}

/** Connecting (a proxy's answer to CONNECT included), or moving bytes on a connection in use, took too long (ETIMEDOUT). */
export class EgressTimeoutError extends EgressError {
  static override readonly code: string = "ENCLAVE_EGRESS_TIMEOUT";
}

/** The peer reset an open connection (ECONNRESET, EPIPE), or another socket error ended it mid-stream. */
export class ConnectionResetError extends EgressError {
  static override readonly code: string = "ENCLAVE_CONNECTION_RESET";
}

/**
 * The KMS endpoint's TLS would not end in this process (a plain-HTTP endpoint, certificate checks turned
 * off), so whoever relays the traffic could read or forge what KMS returns. Refused unless the caller opts
 * out with `allowTlsOutsideEnclave: true`.
 */
export class TlsOutsideEnclaveError extends EnclaveError {
  static override readonly code: string = "ENCLAVE_TLS_OUTSIDE_ENCLAVE";
  constructor(message: string) {
    super(`${message}; TLS to KMS must end inside the enclave (allowTlsOutsideEnclave: true opts out)`);
  }
}

/**
 * No credentials could be obtained, or a source gave malformed ones. `tryNextLink` tells a credential
 * chain that this source is simply not configured, so the next one may be tried.
 */
export class CredentialsError extends EnclaveError {
  static override readonly code: string = "ENCLAVE_CREDENTIALS_UNAVAILABLE";
  readonly tryNextLink: boolean;
  constructor(message: string, options?: { tryNextLink?: boolean; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.tryNextLink = options?.tryNextLink ?? false;
  }
}

/** Credentials handed in by the parent (a stream, a file) are not the expected JSON. Says nothing of their content. */
export class ParentCredentialsError extends EnclaveError {
  static override readonly code: string = "ENCLAVE_PARENT_CREDENTIALS_INVALID";
}

/** Seeding the kernel's entropy pool from the NSM failed; `cause` says why (the NSM, /dev/random, the ioctl). */
export class EntropySeedError extends EnclaveError {
  static override readonly code: string = "ENCLAVE_ENTROPY_FAILED";
}
