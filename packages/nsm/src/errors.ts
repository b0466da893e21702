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

/**
 * The NSM device could not be used; `errno` names the OS error (e.g. "ENOTTY"). Subclasses name the
 * common ones; each sets its stable code as a static `errorCode`.
 */
export class NsmDeviceError extends NitroEnclavesError {
  static readonly errorCode: string = "NSM_DEVICE_ERROR";
  readonly errno: string;
  readonly errnoNumber: number | undefined;
  constructor(message: string, errno: string, errnoNumber?: number, options?: { cause?: unknown }) {
    super((new.target as typeof NsmDeviceError).errorCode, message, options);
    this.errno = errno;
    this.errnoNumber = errnoNumber;
  }
}
/** ENOENT on /dev/nsm: this process is not running inside a Nitro Enclave. */
export class NsmNotInEnclaveError extends NsmDeviceError {
  static override readonly errorCode = "NSM_NOT_IN_ENCLAVE";
}
/** EACCES/EPERM: the device exists but this process may not open or use it. */
export class NsmPermissionDeniedError extends NsmDeviceError {
  static override readonly errorCode = "NSM_PERMISSION_DENIED";
}
/** ENOTTY: the file does not understand the NSM ioctl, so it is not an NSM device. */
export class NsmNotNsmDeviceError extends NsmDeviceError {
  static override readonly errorCode = "NSM_NOT_NSM_DEVICE";
}
/** EMSGSIZE: the request or the response did not fit the driver's buffers. */
export class NsmMessageSizeError extends NsmDeviceError {
  static override readonly errorCode = "NSM_MESSAGE_SIZE";
}
/** ETIMEDOUT: the NSM did not answer in time. */
export class NsmTimeoutError extends NsmDeviceError {
  static override readonly errorCode = "NSM_TIMEOUT";
}
/** ffi-rs (the native bridge to ioctl) could not be loaded or misbehaved on this platform. */
export class NsmFfiUnavailableError extends NsmDeviceError {
  static override readonly errorCode = "NSM_FFI_UNAVAILABLE";
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

/**
 * The NSM answered `{"Error": nsmErrorCode}`. One subclass per NSM error code, each with its stable
 * code, the NSM's name for it and a default message as statics.
 */
export class NsmResponseError extends NitroEnclavesError {
  static readonly errorCode: string = "NSM_ERROR";
  static readonly nsmErrorCode: NsmErrorCode;
  static readonly defaultMessage: string = "the NSM returned an error";
  readonly nsmErrorCode: NsmErrorCode;
  constructor(message?: string) {
    const kind = new.target as typeof NsmResponseError;
    super(kind.errorCode, message ?? kind.defaultMessage);
    this.nsmErrorCode = kind.nsmErrorCode;
  }
}
export class NsmInvalidArgumentError extends NsmResponseError {
  static override readonly errorCode = "NSM_INVALID_ARGUMENT";
  static override readonly nsmErrorCode = "InvalidArgument";
  static override readonly defaultMessage = "the NSM rejected an argument of the request (InvalidArgument)";
}
export class NsmInvalidIndexError extends NsmResponseError {
  static override readonly errorCode = "NSM_INVALID_INDEX";
  static override readonly nsmErrorCode = "InvalidIndex";
  static override readonly defaultMessage = "PCR index out of range (InvalidIndex)";
}
export class NsmInvalidResponseError extends NsmResponseError {
  static override readonly errorCode = "NSM_INVALID_RESPONSE";
  static override readonly nsmErrorCode = "InvalidResponse";
  static override readonly defaultMessage = "the NSM response does not match the request (InvalidResponse)";
}
export class NsmReadOnlyIndexError extends NsmResponseError {
  static override readonly errorCode = "NSM_READ_ONLY_INDEX";
  static override readonly nsmErrorCode = "ReadOnlyIndex";
  static override readonly defaultMessage = "the PCR is locked and cannot be changed (ReadOnlyIndex)";
}
export class NsmInvalidOperationError extends NsmResponseError {
  static override readonly errorCode = "NSM_INVALID_OPERATION";
  static override readonly nsmErrorCode = "InvalidOperation";
  static override readonly defaultMessage = "the NSM cannot perform this operation (InvalidOperation)";
}
export class NsmBufferTooSmallError extends NsmResponseError {
  static override readonly errorCode = "NSM_BUFFER_TOO_SMALL";
  static override readonly nsmErrorCode = "BufferTooSmall";
  static override readonly defaultMessage = "the response buffer is too small (BufferTooSmall)";
}
/** The request is over the NSM's 4096-byte limit (raised before the ioctl, or by the NSM itself). */
export class NsmInputTooLargeError extends NsmResponseError {
  static override readonly errorCode = "NSM_INPUT_TOO_LARGE";
  static override readonly nsmErrorCode = "InputTooLarge";
  static override readonly defaultMessage = "the request is larger than the NSM accepts (InputTooLarge)";
}
export class NsmInternalError extends NsmResponseError {
  static override readonly errorCode = "NSM_INTERNAL_ERROR";
  static override readonly nsmErrorCode = "InternalError";
  static override readonly defaultMessage = "the NSM failed internally (InternalError)";
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
  constructor(message: string, code = "ATTESTATION_FORMAT") {
    super(code, message);
  }
}
/**
 * verifyAttestation only: the protected header's alg is not ES384 (-35), e.g. -1 on QEMU's unsigned
 * documents. parseAttestation accepts any alg. A kind of AttestationFormatError, with its own code.
 */
export class UnsupportedAlgorithmError extends AttestationFormatError {
  constructor(message: string) {
    super(message, "ATTESTATION_UNSUPPORTED_ALGORITHM");
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
