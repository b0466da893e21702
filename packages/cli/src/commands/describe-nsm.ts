// nitro-kms describe-nsm: what the NSM says about itself.
import { type CommandLine } from "../args.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { NSM_HELP, NSM_OPTIONS, readNsmOptions, withNsmClient } from "../nsm-options.js";
import { JSON_HELP, jsonText } from "../output.js";

export const help = `usage: nitro-kms describe-nsm [--json] [--simulate ...]

Asks the NSM (DescribeNSM) for its version, module id, number of PCRs, locked PCRs and digest.

${JSON_HELP}  -h, --help                  show this help

${NSM_HELP}
Exit codes: 0 success; 1 usage error; 255 the NSM could not be asked (outside an enclave: no /dev/nsm).
`;

export const OPTIONS = { ...NSM_OPTIONS, json: { type: "boolean" } } as const;

/** Runs of consecutive indexes as "0-15, 17". */
const ranges = (indexes: readonly number[]) =>
  indexes
    .reduce<number[][]>((runs, i) => {
      const last = runs.at(-1);
      if (last && last[1] === i - 1) last[1] = i;
      else runs.push([i, i]);
      return runs;
    }, [])
    .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
    .join(", ");

export async function run({ values }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const d = await withNsmClient(readNsmOptions(values), (nsm) => nsm.describeNsm());
  const locked = [...d.lockedPcrs].sort((a, b) => a - b);
  if (values.json) io.out(jsonText({ ...d, lockedPcrs: locked }));
  else {
    io.out(
      `module id: ${d.moduleId}\nversion: ${d.versionMajor}.${d.versionMinor}.${d.versionPatch}\ndigest: ${d.digest}\n` +
        `PCRs: ${d.maxPcrs}\nlocked PCRs: ${locked.length ? ranges(locked) : "none"}\n`,
    );
  }
  return EXIT_CODES.ok;
}
