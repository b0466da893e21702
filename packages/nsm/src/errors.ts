// Every error this package throws is a NitroEnclavesError with a stable `code`: callers branch on
// `code` (or `instanceof`), never on message text. Each class declares its code once, as a static
// `code` that the base constructor copies onto the instance.

export class NitroEnclavesError extends Error {
  static readonly code: string = "NITRO_ENCLAVES_ERROR";
  readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = (new.target as typeof NitroEnclavesError).code;
    this.name = new.target.name;
  }
}

/** A caller passed an argument of the wrong type or range (checked before anything reaches the NSM or a key). */
export class NsmArgumentError extends NitroEnclavesError {
  static override readonly code: string = "NSM_BAD_ARGUMENT";
}

/** The NSM device could not be used; `errno` names the OS error (e.g. "ENOTTY"). Subclasses name the common ones. */
export class NsmDeviceError extends NitroEnclavesError {
  static override readonly code: string = "NSM_DEVICE_ERROR";
  readonly errno: string;
  readonly errnoNumber: number | undefined;
  constructor(message: string, errno: string, errnoNumber?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.errno = errno;
    this.errnoNumber = errnoNumber;
  }
}
/** ENOENT on /dev/nsm: this process is not running inside a Nitro Enclave. */
export class NsmNotInEnclaveError extends NsmDeviceError {
  static override readonly code = "NSM_NOT_IN_ENCLAVE";
}
/** EACCES/EPERM: the device exists but this process may not open or use it. */
export class NsmPermissionDeniedError extends NsmDeviceError {
  static override readonly code = "NSM_PERMISSION_DENIED";
}
/** ENOTTY: the file does not understand the NSM ioctl, so it is not an NSM device. */
export class NsmNotNsmDeviceError extends NsmDeviceError {
  static override readonly code = "NSM_NOT_NSM_DEVICE";
}
/** EMSGSIZE: the request or the response did not fit the driver's buffers. */
export class NsmMessageSizeError extends NsmDeviceError {
  static override readonly code = "NSM_MESSAGE_SIZE";
}
/** ETIMEDOUT: the NSM did not answer in time. */
export class NsmTimeoutError extends NsmDeviceError {
  static override readonly code = "NSM_TIMEOUT";
}
/** ffi-rs (the native bridge to ioctl) could not be loaded or misbehaved on this platform. */
export class NsmFfiUnavailableError extends NsmDeviceError {
  static override readonly code = "NSM_FFI_UNAVAILABLE";
}
/** The transport was closed before the request was sent. */
export class NsmClosedError extends NitroEnclavesError {
  static override readonly code = "NSM_CLOSED";
  constructor(message = "the NSM transport is closed") {
    super(message);
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
 * The NSM answered `{"Error": nsmErrorCode}`. One subclass per NSM error code, each with the NSM's
 * name for it and a default message as statics.
 */
export class NsmResponseError extends NitroEnclavesError {
  static override readonly code: string = "NSM_ERROR";
  static readonly nsmErrorCode: NsmErrorCode;
  static readonly defaultMessage: string = "the NSM returned an error";
  readonly nsmErrorCode: NsmErrorCode;
  constructor(message?: string) {
    const kind = new.target as typeof NsmResponseError;
    super(message ?? kind.defaultMessage);
    this.nsmErrorCode = kind.nsmErrorCode;
  }
}
export class NsmInvalidArgumentError extends NsmResponseError {
  static override readonly code = "NSM_INVALID_ARGUMENT";
  static override readonly nsmErrorCode = "InvalidArgument";
  static override readonly defaultMessage = "the NSM rejected an argument of the request (InvalidArgument)";
}
export class NsmInvalidIndexError extends NsmResponseError {
  static override readonly code = "NSM_INVALID_INDEX";
  static override readonly nsmErrorCode = "InvalidIndex";
  static override readonly defaultMessage = "PCR index out of range (InvalidIndex)";
}
export class NsmInvalidResponseError extends NsmResponseError {
  static override readonly code = "NSM_INVALID_RESPONSE";
  static override readonly nsmErrorCode = "InvalidResponse";
  static override readonly defaultMessage = "the NSM response does not match the request (InvalidResponse)";
}
export class NsmReadOnlyIndexError extends NsmResponseError {
  static override readonly code = "NSM_READ_ONLY_INDEX";
  static override readonly nsmErrorCode = "ReadOnlyIndex";
  static override readonly defaultMessage = "the PCR is locked and cannot be changed (ReadOnlyIndex)";
}
export class NsmInvalidOperationError extends NsmResponseError {
  static override readonly code = "NSM_INVALID_OPERATION";
  static override readonly nsmErrorCode = "InvalidOperation";
  static override readonly defaultMessage = "the NSM cannot perform this operation (InvalidOperation)";
}
export class NsmBufferTooSmallError extends NsmResponseError {
  static override readonly code = "NSM_BUFFER_TOO_SMALL";
  static override readonly nsmErrorCode = "BufferTooSmall";
  static override readonly defaultMessage = "the response buffer is too small (BufferTooSmall)";
}
/** The request is over the NSM's 4096-byte limit (raised before the ioctl, or by the NSM itself). */
export class NsmInputTooLargeError extends NsmResponseError {
  static override readonly code = "NSM_INPUT_TOO_LARGE";
  static override readonly nsmErrorCode = "InputTooLarge";
  static override readonly defaultMessage = "the request is larger than the NSM accepts (InputTooLarge)";
}
export class NsmInternalError extends NsmResponseError {
  static override readonly code = "NSM_INTERNAL_ERROR";
  static override readonly nsmErrorCode = "InternalError";
  static override readonly defaultMessage = "the NSM failed internally (InternalError)";
}

/** The NSM (or a transport) returned bytes that are not a well-formed response to the request sent. */
export class NsmMalformedResponseError extends NitroEnclavesError {
  static override readonly code = "NSM_MALFORMED_RESPONSE";
}

/** The simulator's CA could not be created, loaded or saved (bad options, bad PEM, wrong key type, a path that cannot hold the file). */
export class SimulatorCaError extends NitroEnclavesError {
  static override readonly code = "SIMULATOR_CA_INVALID";
}

/** Creating the enclave handle (or a new key for it) failed; a later call may try again. */
export class EnclaveHandleError extends NitroEnclavesError {
  static override readonly code = "ENCLAVE_HANDLE_INIT_FAILED";
}

/** The ciphertext was not encrypted to any key of this handle (e.g. attest() was given a caller's publicKey). */
export class RecipientKeyMismatchError extends NitroEnclavesError {
  static override readonly code = "RECIPIENT_KEY_MISMATCH";
}

/**
 * The ciphertext is addressed to a key this handle has retired: a decryption with that key failed
 * (see EnclaveHandleOptions.maxDecryptionFailures), so it never decrypts again. Attest again (the
 * handle's new key) and ask KMS again. The message is always the same.
 */
export class KeyRetiredError extends NitroEnclavesError {
  static override readonly code = "ENCLAVE_KEY_RETIRED";
  constructor() {
    super("the ciphertext is addressed to a key this enclave handle has retired after a failed decryption: attest again and retry");
  }
}

// Why each EnvelopeDecryptionError failed, kept outside the error object so that no inspection of
// the error (util.inspect with showHidden, %o, JSON, enumeration) can print it.
const envelopeFailureReasons = new WeakMap<object, string>();

/**
 * Any failure to decrypt a KMS CiphertextForRecipient. The message is always the same; `debug`
 * (a getter, not a property of the error) says which check failed, for logs that stay private.
 */
export class EnvelopeDecryptionError extends NitroEnclavesError {
  static override readonly code = "ENVELOPE_DECRYPTION_FAILED";
  constructor(debug: string) {
    super("could not decrypt the enveloped key");
    envelopeFailureReasons.set(this, debug);
  }
  /** Which check failed. Private logs only: it can tell an attacker which step a forgery passed. */
  get debug(): string {
    return envelopeFailureReasons.get(this) ?? "";
  }
}

/** Base of every attestation verification failure; each subclass names the check that failed. */
export class AttestationError extends NitroEnclavesError {
  static override readonly code: string = "ATTESTATION_FAILED";
}

/** The document is not a well-formed NSM attestation document (COSE_Sign1, CBOR, fields, sizes). */
export class AttestationFormatError extends AttestationError {
  static override readonly code: string = "ATTESTATION_FORMAT";
}
/**
 * verifyAttestation only: the protected header's alg is not ES384 (-35), e.g. -1 on QEMU's unsigned
 * documents. parseAttestation accepts any alg. A kind of AttestationFormatError, with its own code.
 */
export class UnsupportedAlgorithmError extends AttestationFormatError {
  static override readonly code = "ATTESTATION_UNSUPPORTED_ALGORITHM";
}
/** The ES384 signature over the document does not verify with the leaf certificate's key. */
export class AttestationSignatureError extends AttestationError {
  static override readonly code = "ATTESTATION_SIGNATURE";
  constructor(message = "the attestation document's signature does not verify with its certificate") {
    super(message);
  }
}
/** cabundle[0] is not one of the trusted roots (by default the pinned AWS Nitro Enclaves root G1). */
export class UntrustedRootError extends AttestationError {
  static override readonly code = "ATTESTATION_UNTRUSTED_ROOT";
  constructor(message = "the document's root certificate (cabundle[0]) is not a trusted root") {
    super(message);
  }
}
/** The certificates do not form a valid chain (signature, issuer, basicConstraints, pathLen, keyUsage, key type). */
export class CertificateChainError extends AttestationError {
  static override readonly code = "ATTESTATION_CERTIFICATE_CHAIN";
}
/** A certificate of the chain is not valid at the verification time (`at`). */
export class CertificateValidityError extends AttestationError {
  static override readonly code = "ATTESTATION_CERTIFICATE_VALIDITY";
  constructor(
    message: string,
    readonly at: Date,
    readonly notBefore: Date,
    readonly notAfter: Date,
  ) {
    super(message);
  }
}
/** A PCR differs from (or is missing against) `expectedPcrs`. */
export class PcrMismatchError extends AttestationError {
  static override readonly code = "ATTESTATION_PCR_MISMATCH";
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}
/** The document comes from an enclave in debug mode (PCR0-2 all zero) and `allowDebug` is not set. */
export class DebugModeError extends AttestationError {
  static override readonly code = "ATTESTATION_DEBUG_MODE";
  constructor(message = "the enclave runs in debug mode (PCR0, PCR1 and PCR2 are zero); pass allowDebug: true to accept it") {
    super(message);
  }
}
/** The document's nonce differs from `expectedNonce`. */
export class NonceMismatchError extends AttestationError {
  static override readonly code = "ATTESTATION_NONCE_MISMATCH";
  constructor(message = "the attestation document's nonce does not match the expected nonce") {
    super(message);
  }
}
/** The document's timestamp is further than `maxAgeMs` from the verification time. */
export class AttestationTooOldError extends AttestationError {
  static override readonly code = "ATTESTATION_TOO_OLD";
}
/** verifyAttestation was called with options of the wrong type or range, or that contradict each other. */
export class AttestationOptionsError extends AttestationError {
  static override readonly code = "ATTESTATION_BAD_OPTIONS";
}
