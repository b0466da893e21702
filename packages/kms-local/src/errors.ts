// Every error kms-local returns to a client is a KmsError: `code` is the KMS error name that goes into
// the response's `__type`, `status` the HTTP status. KMS's JSON endpoint answers client errors with 400
// (whatever httpError its Smithy model gives them), DryRunOperationException with 412, a missing
// signature with 403 and its own failures with 500. Handlers throw these; the server turns anything else
// into a KMSInternalException without leaking its message.

export class KmsError extends Error {
  readonly code: string;
  readonly status: number;
  protected constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
    this.name = code;
  }
}

// Request framing and authentication (the AWS JSON protocol layer, before any operation runs).
export class SerializationException extends KmsError {
  constructor(message: string) { super("SerializationException", message); }
}
export class ValidationException extends KmsError {
  constructor(message: string) { super("ValidationException", message); }
}
export class MissingAuthenticationTokenException extends KmsError {
  constructor(message: string) { super("MissingAuthenticationTokenException", message, 403); }
}
export class IncompleteSignatureException extends KmsError {
  constructor(message: string) { super("IncompleteSignatureException", message); }
}
export class InvalidSignatureException extends KmsError {
  constructor(message: string) { super("InvalidSignatureException", message); }
}
export class UnrecognizedClientException extends KmsError {
  constructor(message: string) { super("UnrecognizedClientException", message); }
}
/** X-Amz-Target names no KMS operation. */
export class UnknownOperationException extends KmsError {
  constructor(message: string) { super("UnknownOperationException", message); }
}

// KMS service errors, named as in the KMS Smithy model.
export class AccessDeniedException extends KmsError {
  constructor(message: string) { super("AccessDeniedException", message); }
}
export class AlreadyExistsException extends KmsError {
  constructor(message: string) { super("AlreadyExistsException", message); }
}
export class DisabledException extends KmsError {
  constructor(message: string) { super("DisabledException", message); }
}
export class DryRunOperationException extends KmsError {
  constructor(message: string) { super("DryRunOperationException", message, 412); }
}
export class IncorrectKeyException extends KmsError {
  constructor(message: string) { super("IncorrectKeyException", message); }
}
export class InvalidAliasNameException extends KmsError {
  constructor(message: string) { super("InvalidAliasNameException", message); }
}
export class InvalidArnException extends KmsError {
  constructor(message: string) { super("InvalidArnException", message); }
}
export class InvalidCiphertextException extends KmsError {
  constructor(message: string) { super("InvalidCiphertextException", message); }
}
export class InvalidKeyUsageException extends KmsError {
  constructor(message: string) { super("InvalidKeyUsageException", message); }
}
export class InvalidMarkerException extends KmsError {
  constructor(message: string) { super("InvalidMarkerException", message); }
}
export class KMSInvalidSignatureException extends KmsError {
  constructor(message: string) { super("KMSInvalidSignatureException", message); }
}
export class KMSInvalidStateException extends KmsError {
  constructor(message: string) { super("KMSInvalidStateException", message); }
}
export class KMSInternalException extends KmsError {
  constructor(message: string) { super("KMSInternalException", message, 500); }
}
export class LimitExceededException extends KmsError {
  constructor(message: string) { super("LimitExceededException", message); }
}
export class MalformedPolicyDocumentException extends KmsError {
  constructor(message: string) { super("MalformedPolicyDocumentException", message); }
}
export class NotFoundException extends KmsError {
  constructor(message: string) { super("NotFoundException", message); }
}
/** A KMS operation, or an option of one, that kms-local does not implement. */
export class UnsupportedOperationException extends KmsError {
  constructor(message: string) { super("UnsupportedOperationException", message); }
}

/** Errors of the kms-local program itself (bad configuration, unreadable or locked data directory). */
export class KmsLocalConfigError extends Error {
  readonly code = "KmsLocalConfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KmsLocalConfigError";
  }
}
