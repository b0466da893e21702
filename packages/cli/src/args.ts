// A command's arguments, read with node:util's parseArgs and checked strictly: an unknown option, an
// option without its value, a value on a flag, a single-valued option given twice or an unexpected
// positional argument is a UsageError naming it. `--help` / `-h` is every command's.
import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** May be given more than once; the values are kept in order. */
  readonly multiple?: boolean;
  readonly short?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S["type"] extends "boolean" ? boolean : S["multiple"] extends true ? string[] : string | undefined;

export type OptionValues<S extends OptionSpecs> = { readonly [K in keyof S]: ValueOf<S[K]> };

/** A command line that has been read: what a command's run() is given. */
export interface CommandLine<S extends OptionSpecs> {
  readonly values: OptionValues<S>;
  readonly positionals: readonly string[];
}

export interface ParsedCommandLine<S extends OptionSpecs> extends CommandLine<S> {
  /** True when --help or -h was given: nothing else was read (values are all absent). */
  readonly help: boolean;
}

const HELP: OptionSpec = { type: "boolean", short: "h" };

/**
 * Reads a command's arguments, `argv`, against `specs`. `positionals` names the
 * positional arguments the command needs (all of them, no more). Values are kept on an object without a
 * prototype.
 */
export function parseCommandLine<S extends OptionSpecs>(
  argv: readonly string[],
  specs: S,
  positionals: readonly string[] = [],
): ParsedCommandLine<S> {
  const options: Record<string, OptionSpec> = Object.create(null);
  for (const name of Object.keys(specs)) options[name] = specs[name];
  options.help = HELP;
  // Not strict: the tokens are checked below, so that every mistake gets a message that names it.
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const fail = (message: string): never => {
    throw new UsageError(message);
  };
  const given: Record<string, string[]> = Object.create(null);
  const rest: string[] = [];
  // --help answers whatever else the line says, right or wrong.
  const help = tokens.some((t) => t.kind === "option" && t.name === "help");
  for (const token of help ? [] : tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      rest.push(token.value);
      continue;
    }
    const spec = Object.prototype.hasOwnProperty.call(options, token.name) ? options[token.name] : undefined;
    if (!spec) return fail(`unknown option '${token.rawName}'`);
    if (spec.type === "boolean") {
      if (token.value !== undefined) fail(`${token.rawName} takes no value`);
      given[token.name] = ["true"];
      continue;
    }
    // A value that looks like an option was most likely meant as the next option: say so rather than
    // take it (a value starting with "-" can still be given as --name=-value).
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith("-") && token.value !== "-")) {
      fail(`${token.rawName} needs a value`);
    }
    if (given[token.name] && !spec.multiple) fail(`${token.rawName} was given more than once`);
    (given[token.name] ??= []).push(token.value!);
  }
  const values: Record<string, unknown> = Object.create(null);
  for (const name of Object.keys(specs)) {
    const spec = specs[name];
    const list = given[name];
    values[name] = spec.type === "boolean" ? list !== undefined : spec.multiple ? list ?? [] : list?.[0];
  }
  if (!help) {
    if (rest.length < positionals.length) fail(`${positionals[rest.length]} is missing`);
    if (rest.length > positionals.length) fail(`unexpected argument '${rest[positionals.length]}'`);
  }
  return { help, values: values as OptionValues<S>, positionals: rest };
}

/** The value of an option the command cannot do without; its absence is a UsageError worded as kmstool_enclave_cli words it. */
export function required(option: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`${option} must be set`);
  return value;
}
