// Every error the app raises is an AppError with a stable `code`: the HTTP API answers with the code, the
// start-up failure line names it, and callers branch on it, never on message text. Messages never carry a
// record's contents, a key or a credential.

export class AppError extends Error {
  static readonly code: string = "APP_ERROR";
  readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = (new.target as typeof AppError).code;
    this.name = new.target.name;
  }
}

/** An environment variable is missing or malformed; the message names it. */
export class ConfigError extends AppError {
  static override readonly code: string = "APP_BAD_CONFIG";
}

/** The NSM (or the simulated one) could not be opened or did not attest. */
export class NsmUnavailableError extends AppError {
  static override readonly code: string = "APP_NSM_UNAVAILABLE";
}

/** KMS did not release the data key (refused, unreachable), or the stored wrapped key could not be read or kept. */
export class DataKeyError extends AppError {
  static override readonly code: string = "APP_DATA_KEY_UNAVAILABLE";
}

/** A record name that is not 1-64 characters of A-Z, a-z, 0-9, "-" and "_". */
export class BadRecordNameError extends AppError {
  static override readonly code: string = "APP_BAD_RECORD_NAME";
}

/** A record larger than the app accepts. */
export class RecordTooLargeError extends AppError {
  static override readonly code: string = "APP_RECORD_TOO_LARGE";
}

/** No record of that name. */
export class RecordNotFoundError extends AppError {
  static override readonly code: string = "APP_RECORD_NOT_FOUND";
}

/**
 * A stored record does not open under the data key: damaged, truncated, written for another name or under
 * another key. Always the same message, whatever failed inside.
 */
export class RecordUnreadableError extends AppError {
  static override readonly code: string = "APP_RECORD_UNREADABLE";
  constructor(options?: { cause?: unknown }) {
    super("the stored record cannot be opened", options);
  }
}

/** Reading or writing the data directory failed (a full disk, a read-only directory); nothing was changed. */
export class StorageError extends AppError {
  static override readonly code: string = "APP_STORAGE_FAILED";
}
