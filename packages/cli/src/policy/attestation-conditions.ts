// Reading a statement's conditions on the attestation keys (kms:RecipientAttestation:PCR<n> and
// :ImageSha384): which pin the enclave's measurements, and which merely mention them.
import type { KeyPolicy, PolicyCondition, PolicyStatement } from "@nitro-enclaves-sdk/kms-local";
import { IMAGE_PCRS } from "../pcr.js";
import { attestationPcr } from "./condition-keys.js";
import { holdsWithoutAttestation } from "./probe.js";

export interface AttestationCondition {
  readonly condition: PolicyCondition;
  /** The PCR the key reads (0 for ImageSha384). */
  readonly pcr: number;
}

export function attestationConditions(s: PolicyStatement): AttestationCondition[] {
  const out: AttestationCondition[] = [];
  for (const condition of s.conditions) {
    const pcr = attestationPcr(condition.key);
    if (pcr !== undefined) out.push({ condition, pcr });
  }
  return out;
}

/** StringNotEquals, NotIpAddress and the like: they hold when their positive form does not. */
export const isNegated = (c: PolicyCondition) => /Not/.test(c.base);

/**
 * The conditions that pin a measurement: compare the key's value (not just test its presence with Null)
 * and fail, as kms-local evaluates them, when the request carries no attestation document.
 */
export function pinningConditions(s: PolicyStatement): AttestationCondition[] {
  return attestationConditions(s).filter(({ condition }) => condition.base !== "Null" && !holdsWithoutAttestation(condition));
}

/**
 * Whether a statement applies only to requests whose attestation document shows one particular image: it
 * pins PCR0 (ImageSha384), PCR2 or PCR8.
 */
export const requiresImage = (s: PolicyStatement) => pinningConditions(s).some(({ pcr }) => IMAGE_PCRS.has(pcr));

export interface ComparedValue extends AttestationCondition {
  readonly statement: PolicyStatement;
  readonly value: string;
}

/** Every value a policy compares an attestation key with (Null's "true" / "false" are not compared values). */
export function comparedAttestationValues(policy: KeyPolicy): ComparedValue[] {
  return policy.statements.flatMap((statement) =>
    attestationConditions(statement)
      .filter(({ condition }) => condition.base !== "Null")
      .flatMap(({ condition, pcr }) => condition.values.map((value) => ({ statement, condition, pcr, value }))),
  );
}
