// The enclave's NSM, and the handle (an RSA key that never leaves this process) that KMS encrypts the data
// key to. Inside an enclave: /dev/nsm, after feeding the kernel's entropy pool from it (an enclave has no
// entropy source of its own, and the handle's key and TLS need randomness at once). For development: a
// simulated NSM that signs with a CA kms-local trusts (NSM_SIMULATOR_CA), loaded only then, so the
// simulator is never imported inside an enclave.
import { readFileSync } from "node:fs";
import { seedEntropyFromNsm } from "@nitro-enclaves-sdk/enclave";
import { EnclaveHandle, getOrInitializeHandle, parseAttestation } from "@nitro-enclaves-sdk/nsm";
import type { Config } from "./config.js";
import { NsmUnavailableError } from "./errors.js";
import type { Log } from "./log.js";

export interface EnclaveNsm {
  handle: EnclaveHandle;
  /** The image's measurement as the NSM attests it (96 hex digits): what the key policy must name. */
  pcr0: string;
  simulated: boolean;
}

export async function openNsm(simulator: Config["simulator"], log: Log): Promise<EnclaveNsm> {
  let handle: EnclaveHandle;
  try {
    if (simulator) {
      log("NSM: SIMULATED (NSM_SIMULATOR_CA), for development only: real KMS trusts none of its documents");
      const { SimulatedNsm, SimulatorCa } = await import("@nitro-enclaves-sdk/nsm/simulator");
      const ca = SimulatorCa.fromPem(readFileSync(simulator.caFile, "utf8"));
      handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca, ...(simulator.pcr0 ? { pcrs: { 0: simulator.pcr0 } } : {}) }) });
    } else {
      const seeded = await seedEntropyFromNsm();
      log(`entropy: ${seeded.bytes} bytes from the NSM ${seeded.credited ? "added to the kernel's pool" : "mixed into the kernel's pool (not credited: no CAP_SYS_ADMIN)"}`);
      handle = await getOrInitializeHandle();
    }
  } catch (cause) {
    throw new NsmUnavailableError(`cannot open the ${simulator ? "simulated " : ""}NSM: ${reasons(cause)}`, { cause });
  }
  let pcr0: string;
  try {
    const pcr = parseAttestation(await handle.attest({ noPublicKey: true })).pcrs.get(0);
    if (!pcr) throw new Error("the attestation document has no PCR0");
    pcr0 = Buffer.from(pcr).toString("hex");
  } catch (cause) {
    handle.close();
    throw new NsmUnavailableError(`the NSM did not attest: ${reasons(cause)}`, { cause });
  }
  return { handle, pcr0, simulated: simulator !== undefined };
}

/** An error's message and its causes' ("NSM GetRandom failed: /dev/nsm ..."), at most three deep. */
function reasons(error: unknown): string {
  const messages: string[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++) messages.push(e.message);
  return messages.join(": ") || String(error);
}
