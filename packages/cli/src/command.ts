// A nitro-kms command: a module with its --help text and a run function that returns the exit code. The
// dispatcher knows each by name and one-line summary, and loads a command's module only to run it, so
// `nitro-kms <command>` pays only for what that command uses.
import type { Io } from "./io.js";

export interface CommandModule {
  /** The full --help text. */
  readonly help: string;
  /** Runs the command with the arguments after its name; throws a CliError for usage errors and failures. */
  run(argv: readonly string[], io: Io): Promise<number>;
}

export interface CommandEntry {
  /** The words that name it: "policy generate". */
  readonly name: string;
  readonly summary: string;
  load(): Promise<CommandModule>;
}
