// nitro-kms lock-pcr N: no further extension of PCR N until the enclave stops.
import { type CommandLine } from "../args.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { NSM_HELP, NSM_OPTIONS, readNsmOptions, withNsmClient } from "../nsm-options.js";
import { JSON_HELP, jsonText } from "../output.js";
import { readPcrIndex } from "../pcr.js";

export const help = `usage: nitro-kms lock-pcr N [--json] [--simulate ...]

Locks PCR N (LockPCR): the NSM refuses to extend it again for the life of the enclave, and attestation
documents carry it from then on.

${JSON_HELP}  -h, --help                  show this help

${NSM_HELP}
Exit codes: 0 success; 1 usage error; 255 the NSM refused or could not be asked (outside an enclave: no /dev/nsm).
`;

export const OPTIONS = { ...NSM_OPTIONS, json: { type: "boolean" } } as const;

/** The positional arguments, by name. */
export const POSITIONALS = ["N"] as const;

export async function run({ values, positionals }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const index = readPcrIndex("N", positionals[0]);
  await withNsmClient(readNsmOptions(values), (nsm) => nsm.lockPcr(index));
  io.out(values.json ? jsonText({ index, locked: true }) : `PCR${index}: locked\n`);
  return EXIT_CODES.ok;
}
