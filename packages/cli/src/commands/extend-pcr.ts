// nitro-kms extend-pcr N --data B64: PCR N becomes SHA-384(PCR N || data).
import { type CommandLine, required } from "../args.js";
import { readBase64 } from "../base64.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { NSM_HELP, NSM_OPTIONS, readNsmOptions, withNsmClient } from "../nsm-options.js";
import { JSON_HELP, jsonText } from "../output.js";
import { readPcrIndex } from "../pcr.js";

export const help = `usage: nitro-kms extend-pcr N --data B64 [--json] [--simulate ...]

Extends PCR N with the bytes of --data (ExtendPCR: the new value is SHA-384 of the old value followed by
the data) and prints the new value. The NSM refuses PCRs it has locked (0-15 always; others after
lock-pcr). Attestation documents carry the PCRs that are locked: lock a PCR after its last extension.

  --data B64                  the bytes to extend with, base64 (1 to 4000 bytes)
${JSON_HELP}  -h, --help                  show this help

${NSM_HELP}
Exit codes: 0 success; 1 usage error; 255 the NSM refused (a locked PCR) or could not be asked.
`;

export const OPTIONS = { ...NSM_OPTIONS, data: { type: "string" }, json: { type: "boolean" } } as const;

/** An NSM request is at most 4096 bytes, the CBOR around the data included. */
const MAX_DATA_BYTES = 4000;

/** The positional arguments, by name. */
export const POSITIONALS = ["N"] as const;

export async function run({ values, positionals }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const index = readPcrIndex("N", positionals[0]);
  const data = readBase64("--data", required("--data", values.data), { max: MAX_DATA_BYTES });
  const updated = await withNsmClient(readNsmOptions(values), (nsm) => nsm.extendPcr(index, data));
  const value = Buffer.from(updated).toString("hex");
  io.out(values.json ? jsonText({ index, value }) : `PCR${index}: ${value}\n`);
  return EXIT_CODES.ok;
}
