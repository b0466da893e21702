// Every error this package throws is a NativeError with a stable `code`. The packages that make system calls
// through it map these onto their own typed errors, so their callers never see this family directly.

export class NativeError extends Error {
  static readonly code: string = "NATIVE_ERROR";
  readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = (new.target as typeof NativeError).code;
    this.name = new.target.name;
  }
}

/** ffi-rs cannot be loaded on this platform (`cause` says why), or it does not behave as the calls need. */
export class FfiUnavailableError extends NativeError {
  static override readonly code: string = "NATIVE_FFI_UNAVAILABLE";
}

/** A value of the wrong type or range was refused before it reached ffi-rs (which aborts the process on some). */
export class NativeArgumentError extends NativeError {
  static override readonly code: string = "NATIVE_BAD_ARGUMENT";
}
