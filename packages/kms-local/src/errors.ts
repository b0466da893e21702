// Every error kms-local returns to a client is a KmsError: `code` is the KMS error name that goes into
// the response's `__type`, `status` the HTTP status KMS uses for it. Handlers throw these; the server
// turns anything else into a KMSInternalException without leaking its message.

export class KmsError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
    this.name = code;
  }
}

const kind = (code: string, status = 400) =>
  class extends KmsError {
    constructor(message: string) {
      super(code, message, status);
    }
  };

// Request framing and authentication (the AWS JSON protocol layer, before any operation runs).
export const SerializationException = kind("SerializationException");
export const ValidationException = kind("ValidationException");
export const MissingAuthenticationTokenException = kind("MissingAuthenticationTokenException", 403);
export const IncompleteSignatureException = kind("IncompleteSignatureException");
export const InvalidSignatureException = kind("InvalidSignatureException");
export const UnrecognizedClientException = kind("UnrecognizedClientException");
export const UnsupportedOperationException = kind("UnsupportedOperationException");

// KMS service errors, named (and given the HTTP status) as in the KMS Smithy model.
export const AccessDeniedException = kind("AccessDeniedException");
export const AlreadyExistsException = kind("AlreadyExistsException", 409);
export const DisabledException = kind("DisabledException", 409);
export const DryRunOperationException = kind("DryRunOperationException", 412);
export const IncorrectKeyException = kind("IncorrectKeyException");
export const InvalidAliasNameException = kind("InvalidAliasNameException");
export const InvalidArnException = kind("InvalidArnException");
export const InvalidCiphertextException = kind("InvalidCiphertextException");
export const InvalidKeyUsageException = kind("InvalidKeyUsageException");
export const InvalidMarkerException = kind("InvalidMarkerException");
export const KMSInvalidSignatureException = kind("KMSInvalidSignatureException");
export const KMSInvalidStateException = kind("KMSInvalidStateException", 409);
export const KMSInternalException = kind("KMSInternalException", 500);
export const LimitExceededException = kind("LimitExceededException");
export const MalformedPolicyDocumentException = kind("MalformedPolicyDocumentException");
export const NotFoundException = kind("NotFoundException", 404);

/** Errors of the kms-local program itself (bad configuration, unreadable data directory). */
export class KmsLocalConfigError extends Error {
  readonly code = "KmsLocalConfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KmsLocalConfigError";
  }
}
