// The nitro-kms command: `nitro-kms <command> [subcommand] [options]`. Finds the command the leading words
// name, loads its module and runs it. Errors end as one line on stderr, "nitro-kms <command>: <message>",
// and the exit code the error carries (see exit-codes.ts); any other failure (KMS's errors, the NSM's, the
// network's) exits with 255.
import { parseCommandLine } from "./args.js";
import type { CommandEntry } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { CliError, UsageError } from "./errors.js";
import { EXIT_CODES } from "./exit-codes.js";
import { processIo, type Io } from "./io.js";

const column = (entries: readonly CommandEntry[]) => entries.map((c) => `  ${c.name.padEnd(24)}${c.summary}\n`).join("");

const HELP = `usage: nitro-kms <command> [options]

Commands:
${column(COMMANDS)}
'nitro-kms <command> --help' describes a command.

Exit codes: 0 success; 1 usage error (the command line, or a file named on it, is wrong); 2 the answer is
"no" (lint found something at or above --severity, simulate says denied); 255 the command failed.
`;

const groupHelp = (group: string, entries: readonly CommandEntry[]) => `usage: nitro-kms ${group} <command> [options]

Commands:
${column(entries)}
'nitro-kms ${group} <command> --help' describes a command.
`;

/** Errors are one line on stderr, whatever a message from elsewhere holds. */
const oneLine = (text: string) => text.replace(/\s*\n[\s\S]*$/, "");

const isHelp = (arg: string | undefined) => arg === "--help" || arg === "-h" || arg === "help";

/** The command whose name the arguments start with (the one with the most words, should names nest). */
function commandFor(argv: readonly string[]): CommandEntry | undefined {
  let found: CommandEntry | undefined;
  for (const entry of COMMANDS) {
    const words = entry.name.split(" ");
    if (words.every((w, i) => argv[i] === w) && (!found || words.length > found.name.split(" ").length)) found = entry;
  }
  return found;
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const entry = commandFor(argv);
  if (entry) {
    const command = await entry.load();
    try {
      const line = parseCommandLine(argv.slice(entry.name.split(" ").length), command.OPTIONS, command.POSITIONALS);
      if (line.help) {
        io.out(command.help);
        return EXIT_CODES.ok;
      }
      return await command.run(line, io);
    } catch (e) {
      if (e instanceof CliError) {
        const hint = e instanceof UsageError ? ` (see 'nitro-kms ${entry.name} --help')` : "";
        throw new CommandError(entry.name, `${e.message}${hint}`, e.exitCode);
      }
      const { describeFailure } = await import("./failure.js");
      throw new CommandError(entry.name, describeFailure(e), EXIT_CODES.failure);
    }
  }
  const [first, second] = argv;
  if (first === undefined) {
    io.err(HELP);
    return EXIT_CODES.usage;
  }
  if (isHelp(first)) {
    io.out(HELP);
    return EXIT_CODES.ok;
  }
  const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
  if (group.length > 0) {
    if (isHelp(second)) {
      io.out(groupHelp(first, group));
      return EXIT_CODES.ok;
    }
    if (second === undefined) {
      io.err(groupHelp(first, group));
      return EXIT_CODES.usage;
    }
    throw new CommandError(first, `unknown command '${second}' (see 'nitro-kms ${first} --help')`, EXIT_CODES.usage);
  }
  throw new CommandError(undefined, `unknown command '${first}' (see 'nitro-kms --help')`, EXIT_CODES.usage);
}

/** An error to print as "nitro-kms <command>: <message>" and end with `exitCode`. */
class CommandError extends Error {
  constructor(readonly command: string | undefined, message: string, readonly exitCode: number) {
    super(message);
  }
}

/** Runs nitro-kms with `argv` (the arguments after the program name); resolves with the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof CommandError) {
      io.err(`nitro-kms${e.command === undefined ? "" : ` ${e.command}`}: ${oneLine(e.message)}\n`);
      return e.exitCode;
    }
    io.err(`nitro-kms: unexpected failure: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
    return EXIT_CODES.failure;
  }
}
