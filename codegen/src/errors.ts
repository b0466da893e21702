// Every failure the generator reports on purpose: a base class with a stable code, one subclass per kind.
export class CodegenError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The model file could not be read or is not JSON. */
export class ModelReadError extends CodegenError {
  constructor(message: string) {
    super("MODEL_READ", message);
  }
}

/** The model is JSON but not a valid Smithy JSON AST; the message names the offending shape. */
export class ModelValidationError extends CodegenError {
  constructor(
    readonly shapeId: string,
    message: string,
  ) {
    super("MODEL_INVALID", `${shapeId}: ${message}`);
  }
}

/** The model uses something this generator does not know how to emit (e.g. another protocol). */
export class UnsupportedModelError extends CodegenError {
  constructor(
    readonly shapeId: string,
    message: string,
  ) {
    super("MODEL_UNSUPPORTED", `${shapeId}: ${message}`);
  }
}

/** Writing the output failed; the previous output is left in place. */
export class OutputWriteError extends CodegenError {
  constructor(message: string) {
    super("OUTPUT_WRITE", message);
  }
}

/** The codegen config (codegen/config.json) is unreadable or holds something it must not. */
export class ConfigError extends CodegenError {
  constructor(message: string) {
    super("CONFIG_INVALID", message);
  }
}
