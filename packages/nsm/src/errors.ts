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
