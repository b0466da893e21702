// Where the NSM commands and the KMS commands find the Nitro Security Module: /dev/nsm, or with --simulate
// a simulated NSM (the nsm package's, loaded only then, with pkijs under it) for work outside an enclave.
// A simulated NSM lives as long as the command: PCRs a command extends or locks are gone when it ends.
import type { NsmClient, NsmTransport } from "@nitro-enclaves-sdk/nsm";
import type { OptionValues } from "./args.js";
import { InputFileError, UsageError } from "./errors.js";
import { readPcrAssignments } from "./pcr.js";

export const NSM_OPTIONS = {
  simulate: { type: "boolean" },
  "simulator-ca": { type: "string" },
  pcr: { type: "string", multiple: true },
} as const;

export const NSM_HELP = `Simulated NSM, for work outside an enclave:
  --simulate                  use a simulated NSM instead of /dev/nsm; it lives as long as the command
  --simulator-ca FILE         with --simulate: sign attestation documents with the simulator CA in FILE,
                              created (mode 0600) when missing; 'kms-local --trust-root FILE' trusts it
                              (default: a new CA for this command alone)
  --pcr N=HEX                 with --simulate: the simulated enclave's PCR N (0-15) at boot (repeatable;
                              default: PCR0-2 a fixed measurement, the others zero)
`;

/** The last PCR the NSM sets at boot; a simulated enclave's are given as --pcr. */
const LAST_BOOT_PCR = 15;

export interface NsmChoice {
  readonly simulate: boolean;
  readonly simulatorCa: string | undefined;
  readonly pcrs: ReadonlyMap<number, string>;
}

/** The NSM options of a command line, checked. */
export function readNsmOptions(values: OptionValues<typeof NSM_OPTIONS>): NsmChoice {
  if (!values.simulate) {
    if (values["simulator-ca"] !== undefined) throw new UsageError("--simulator-ca goes with --simulate");
    if (values.pcr.length > 0) throw new UsageError("--pcr goes with --simulate (a real enclave's PCRs are measured at boot)");
  }
  const pcrs = readPcrAssignments("--pcr", values.pcr);
  for (const index of pcrs.keys()) {
    if (index > LAST_BOOT_PCR) throw new UsageError(`--pcr ${index}: only PCRs 0-${LAST_BOOT_PCR} are set at boot (extend-pcr writes the others)`);
  }
  return { simulate: values.simulate, simulatorCa: values["simulator-ca"], pcrs };
}

/** The transport to the chosen NSM. /dev/nsm is opened by the first request (and fails there outside an enclave). */
export async function openNsmTransport(choice: NsmChoice): Promise<NsmTransport> {
  if (!choice.simulate) {
    const { DeviceTransport } = await import("@nitro-enclaves-sdk/nsm");
    return new DeviceTransport();
  }
  const { SimulatedNsm, createSimulatorCa, loadOrCreateSimulatorCa } = await import("@nitro-enclaves-sdk/nsm/simulator");
  const file = choice.simulatorCa;
  let ca;
  try {
    ca = file === undefined ? createSimulatorCa() : loadOrCreateSimulatorCa(file);
  } catch (e) {
    throw new InputFileError(file ?? "the simulator CA", `not a simulator CA (${(e as Error).message})`, { cause: e });
  }
  return new SimulatedNsm({ ca, pcrs: Object.fromEntries(choice.pcrs) });
}

/** Runs `use` with a client of the chosen NSM, closed afterwards. */
export async function withNsmClient<T>(choice: NsmChoice, use: (nsm: NsmClient) => Promise<T>): Promise<T> {
  const transport = await openNsmTransport(choice);
  const { NsmClient } = await import("@nitro-enclaves-sdk/nsm");
  const nsm = new NsmClient(transport);
  try {
    return await use(nsm);
  } finally {
    nsm.close();
  }
}
