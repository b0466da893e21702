// Every error this package throws is an NitroEnclavesError with a stable `code`: callers branch on
// `code` (or `instanceof`), never on message text.

export class NitroEnclavesError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

// ---- NSM client, device transport, simulator, enclave handle (owner: 3b) ----

/** A caller passed an argument of the wrong type or range (checked before anything reaches the NSM). */
export class NsmArgumentError extends NitroEnclavesError {
  constructor(message: string) {
    super("NSM_BAD_ARGUMENT", message);
  }
}

/** The NSM device could not be used; `errno` names the OS error (e.g. "ENOTTY"). Subclasses name the common ones. */
export class NsmDeviceError extends NitroEnclavesError {
  readonly errno: string;
  readonly errnoNumber: number | undefined;
  constructor(message: string, errno: string, errnoNumber?: number, code = "NSM_DEVICE_ERROR", options?: { cause?: unknown }) {
    super(code, message, options);
    this.errno = errno;
    this.errnoNumber = errnoNumber;
  }
}
/** ENOENT on /dev/nsm: this process is not running inside a Nitro Enclave. */
export class NsmNotInEnclaveError extends NsmDeviceError {
  constructor(message: string, errno: string, errnoNumber?: number, options?: { cause?: unknown }) {
    super(message, errno, errnoNumber, "NSM_NOT_IN_ENCLAVE", options);
  }
}
/** EACCES/EPERM: the device exists but this process may not open or use it. */
export class NsmPermissionDeniedError extends NsmDeviceError {
  constructor(message: string, errno: string, errnoNumber?: number, options?: { cause?: unknown }) {
    super(message, errno, errnoNumber, "NSM_PERMISSION_DENIED", options);
  }
}
/** ENOTTY: the file does not understand the NSM ioctl, so it is not an NSM device. */
export class NsmNotNsmDeviceError extends NsmDeviceError {
  constructor(message: string, errno: string, errnoNumber?: number, options?: { cause?: unknown }) {
    super(message, errno, errnoNumber, "NSM_NOT_NSM_DEVICE", options);
  }
}
/** EMSGSIZE: the request or the response did not fit the driver's buffers. */
export class NsmMessageSizeError extends NsmDeviceError {
  constructor(message: string, errno: string, errnoNumber?: number, options?: { cause?: unknown }) {
    super(message, errno, errnoNumber, "NSM_MESSAGE_SIZE", options);
  }
}
/** ETIMEDOUT: the NSM did not answer in time. */
export class NsmTimeoutError extends NsmDeviceError {
  constructor(message: string, errno: string, errnoNumber?: number, options?: { cause?: unknown }) {
    super(message, errno, errnoNumber, "NSM_TIMEOUT", options);
  }
}
/** The transport was closed (or closed while a request was waiting). */
export class NsmClosedError extends NitroEnclavesError {
  constructor(message = "the NSM transport is closed") {
    super("NSM_CLOSED", message);
  }
}

/** The error codes the NSM itself returns as `{"Error": "<code>"}` (aws-nitro-enclaves-nsm-api ErrorCode). */
export type NsmErrorCode =
  | "InvalidArgument"
  | "InvalidIndex"
  | "InvalidResponse"
  | "ReadOnlyIndex"
  | "InvalidOperation"
  | "BufferTooSmall"
  | "InputTooLarge"
  | "InternalError";

/** The NSM answered `{"Error": nsmErrorCode}`. One subclass per NSM error code. */
export class NsmResponseError extends NitroEnclavesError {
  readonly nsmErrorCode: NsmErrorCode;
  constructor(code: string, nsmErrorCode: NsmErrorCode, message: string) {
    super(code, message);
    this.nsmErrorCode = nsmErrorCode;
  }
}
export class NsmInvalidArgumentError extends NsmResponseError {
  constructor(message = "the NSM rejected an argument of the request (InvalidArgument)") {
    super("NSM_INVALID_ARGUMENT", "InvalidArgument", message);
  }
}
export class NsmInvalidIndexError extends NsmResponseError {
  constructor(message = "PCR index out of range (InvalidIndex)") {
    super("NSM_INVALID_INDEX", "InvalidIndex", message);
  }
}
export class NsmInvalidResponseError extends NsmResponseError {
  constructor(message = "the NSM response does not match the request (InvalidResponse)") {
    super("NSM_INVALID_RESPONSE", "InvalidResponse", message);
  }
}
export class NsmReadOnlyIndexError extends NsmResponseError {
  constructor(message = "the PCR is locked and cannot be changed (ReadOnlyIndex)") {
    super("NSM_READ_ONLY_INDEX", "ReadOnlyIndex", message);
  }
}
export class NsmInvalidOperationError extends NsmResponseError {
  constructor(message = "the NSM cannot perform this operation (InvalidOperation)") {
    super("NSM_INVALID_OPERATION", "InvalidOperation", message);
  }
}
export class NsmBufferTooSmallError extends NsmResponseError {
  constructor(message = "the response buffer is too small (BufferTooSmall)") {
    super("NSM_BUFFER_TOO_SMALL", "BufferTooSmall", message);
  }
}
/** The request is over the NSM's 4096-byte limit (raised before the ioctl, or by the NSM itself). */
export class NsmInputTooLargeError extends NsmResponseError {
  constructor(message = "the request is larger than the NSM accepts (InputTooLarge)") {
    super("NSM_INPUT_TOO_LARGE", "InputTooLarge", message);
  }
}
export class NsmInternalError extends NsmResponseError {
  constructor(message = "the NSM failed internally (InternalError)") {
    super("NSM_INTERNAL_ERROR", "InternalError", message);
  }
}

/** The NSM (or a transport) returned bytes that are not a well-formed response to the request sent. */
export class NsmMalformedResponseError extends NitroEnclavesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("NSM_MALFORMED_RESPONSE", message, options);
  }
}

/** The simulator's CA material could not be loaded (bad PEM, wrong key type, mismatched key and certificate). */
export class SimulatorCaError extends NitroEnclavesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("SIMULATOR_CA_INVALID", message, options);
  }
}

/** Creating the enclave handle failed (NSM unreachable, bad options); a later call may try again. */
export class EnclaveHandleError extends NitroEnclavesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ENCLAVE_HANDLE_INIT_FAILED", message, options);
  }
}

/** The ciphertext was not encrypted to this handle's key (e.g. attest() was given a caller's publicKey). */
export class RecipientKeyMismatchError extends NitroEnclavesError {
  constructor(message: string) {
    super("RECIPIENT_KEY_MISMATCH", message);
  }
}
// ---- end of 3b's section ----

// ---- envelope decryption and attestation verification (owner: 3a) ----

/**
 * Any failure to decrypt a KMS CiphertextForRecipient. The message is always the same, so it tells an
 * attacker nothing (no padding or OAEP oracle); `debug` (not enumerable, not printed by util.inspect)
 * says which check failed, for logs that stay private.
 */
export class EnvelopeDecryptionError extends NitroEnclavesError {
  declare readonly debug: string;
  constructor(debug: string) {
    super("ENVELOPE_DECRYPTION_FAILED", "could not decrypt the enveloped key");
    Object.defineProperty(this, "debug", { value: debug, enumerable: false, writable: false });
  }
}

/** Base of every attestation verification failure; each subclass names the check that failed. */
export class AttestationError extends NitroEnclavesError {}

/** The document is not a well-formed NSM attestation document (COSE_Sign1, CBOR, fields, sizes). */
export class AttestationFormatError extends AttestationError {
  constructor(message: string) {
    super("ATTESTATION_FORMAT", message);
  }
}
/** The ES384 signature over the document does not verify with the leaf certificate's key. */
export class AttestationSignatureError extends AttestationError {
  constructor(message = "the attestation document's signature does not verify with its certificate") {
    super("ATTESTATION_SIGNATURE", message);
  }
}
/** cabundle[0] is not one of the trusted roots (by default the pinned AWS Nitro Enclaves root G1). */
export class UntrustedRootError extends AttestationError {
  constructor(message = "the document's root certificate (cabundle[0]) is not a trusted root") {
    super("ATTESTATION_UNTRUSTED_ROOT", message);
  }
}
/** The certificates do not form a valid chain (signature, issuer, basicConstraints, pathLen, keyUsage, key type). */
export class CertificateChainError extends AttestationError {
  constructor(message: string) {
    super("ATTESTATION_CERTIFICATE_CHAIN", message);
  }
}
/** A certificate of the chain is not valid at the verification time (`at`). */
export class CertificateValidityError extends AttestationError {
  constructor(
    message: string,
    readonly at: Date,
    readonly notBefore: Date,
    readonly notAfter: Date,
  ) {
    super("ATTESTATION_CERTIFICATE_VALIDITY", message);
  }
}
/** A PCR differs from (or is missing against) `expectedPcrs`. */
export class PcrMismatchError extends AttestationError {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super("ATTESTATION_PCR_MISMATCH", message);
  }
}
/** The document comes from an enclave in debug mode (PCR0-2 all zero) and `allowDebug` is not set. */
export class DebugModeError extends AttestationError {
  constructor(message = "the enclave runs in debug mode (PCR0, PCR1 and PCR2 are zero); pass allowDebug: true to accept it") {
    super("ATTESTATION_DEBUG_MODE", message);
  }
}
/** The document's nonce differs from `expectedNonce`. */
export class NonceMismatchError extends AttestationError {
  constructor(message = "the attestation document's nonce does not match the expected nonce") {
    super("ATTESTATION_NONCE_MISMATCH", message);
  }
}
/** The document's timestamp is further than `maxAgeMs` from the verification time. */
export class AttestationTooOldError extends AttestationError {
  constructor(message: string) {
    super("ATTESTATION_TOO_OLD", message);
  }
}
/** verifyAttestation was called with options of the wrong type or range. */
export class AttestationOptionsError extends AttestationError {
  constructor(message: string) {
    super("ATTESTATION_BAD_OPTIONS", message);
  }
}
// ---- end of 3a's section ----
