// Every error nitro-kms raises is a CliError with a stable `code` and the exit code it ends the command
// with: callers branch on `code` (or `instanceof`), never on message text. The message is the one line
// printed on stderr.
import { EXIT_CODES } from "./exit-codes.js";

export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.exitCode = exitCode;
    this.name = new.target.name;
  }
}

/** The command line is wrong: an unknown option, a missing or malformed value, options that do not go together. */
export class UsageError extends CliError {
  constructor(message: string) {
    super("CLI_USAGE", message, EXIT_CODES.usage);
  }
}

/** A file named on the command line cannot be read, or does not hold what the option expects. */
export class InputFileError extends CliError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super("CLI_BAD_INPUT_FILE", `${file}: ${message}`, EXIT_CODES.usage, options);
    this.file = file;
  }
}

/**
 * The command ran and its answer is "no": a check it was asked to make did not pass (an attestation
 * document that does not verify).
 */
export class CheckFailedError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CLI_CHECK_FAILED", message, EXIT_CODES.no, options);
  }
}

/** Something failed while the command ran (not the caller's input). */
export class CommandFailedError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CLI_FAILED", message, EXIT_CODES.failure, options);
  }
}
