// nitro-kms describe-pcr N: a PCR's value and whether it is locked.
import { type CommandLine } from "../args.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { NSM_HELP, NSM_OPTIONS, readNsmOptions, withNsmClient } from "../nsm-options.js";
import { JSON_HELP, jsonText } from "../output.js";
import { readPcrIndex } from "../pcr.js";

export const help = `usage: nitro-kms describe-pcr N [--json] [--simulate ...]

Prints PCR N (0-31) as the NSM holds it (DescribePCR), in hex, and whether it is locked:
  PCR16: <96 hex digits> (not locked)

${JSON_HELP}  -h, --help                  show this help

${NSM_HELP}
Exit codes: 0 success; 1 usage error; 255 the NSM refused or could not be asked (outside an enclave: no /dev/nsm).
`;

export const OPTIONS = { ...NSM_OPTIONS, json: { type: "boolean" } } as const;

/** The positional arguments, by name. */
export const POSITIONALS = ["N"] as const;

export async function run({ values, positionals }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const index = readPcrIndex("N", positionals[0]);
  const { locked, data } = await withNsmClient(readNsmOptions(values), (nsm) => nsm.describePcr(index));
  const value = Buffer.from(data).toString("hex");
  io.out(values.json ? jsonText({ index, value, locked }) : `PCR${index}: ${value} (${locked ? "locked" : "not locked"})\n`);
  return EXIT_CODES.ok;
}
