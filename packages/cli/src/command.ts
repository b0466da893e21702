// A nitro-kms command: a module with its --help text, the options and positional arguments it takes, and a
// run function that returns the exit code. The dispatcher knows each by name and one-line summary, loads a
// command's module only to run it (so `nitro-kms <command>` pays only for what that command uses), reads
// its command line, and answers --help itself.
import type { CommandLine, OptionSpecs } from "./args.js";
import type { Io } from "./io.js";

export interface CommandModule {
  /** The full --help text. */
  readonly help: string;
  readonly OPTIONS: OptionSpecs;
  /** The positional arguments it needs, by name (none when absent). */
  readonly POSITIONALS?: readonly string[];
  /** Runs the command on its command line, read; throws a CliError for usage errors and failures. */
  run(line: CommandLine<OptionSpecs>, io: Io): Promise<number>;
}

export interface CommandEntry {
  /** The words that name it: "policy generate". */
  readonly name: string;
  readonly summary: string;
  load(): Promise<CommandModule>;
}
