// Who may do what: for every caller an Allow names, whether it may change who holds the key (PutKeyPolicy,
// CreateGrant) and by which statements it may have secret material out of the key.
import type { KeyPolicy, PolicyStatement } from "@nitro-enclaves-sdk/kms-local";
import { POLICY_CHANGING_ACTIONS } from "./kms-actions.js";
import { callersNamedBy, decide, denyFor, type ProbeCaller } from "./probe.js";
import { releasePaths, type ReleasePath } from "./release-paths.js";

export interface CallerDuties {
  readonly caller: ProbeCaller;
  /** The policy-changing actions the caller may take, and the statement that allows each. */
  readonly administers: readonly { action: string; statement: PolicyStatement }[];
  /** The caller's ways to secret material that no Deny closes. */
  readonly releases: readonly ReleasePath[];
}

export function callerDuties(policy: KeyPolicy): CallerDuties[] {
  const callers = new Map<string, ProbeCaller>();
  for (const s of policy.statements) {
    if (s.effect === "Allow") for (const c of callersNamedBy(s)) if (!callers.has(c.principal.arn)) callers.set(c.principal.arn, c);
  }
  const unconditionalDenies = policy.statements.filter((s) => s.effect === "Deny" && s.conditions.length === 0);
  return [...callers.values()].map((caller) => {
    const administers = POLICY_CHANGING_ACTIONS.flatMap((action) => {
      const { decision, statement } = decide(policy, caller, action);
      return decision === "Allow" ? [{ action, statement: policy.statements[statement!.index] }] : [];
    });
    const releases = releasePaths(policy).filter(
      (p) =>
        p.caller.principal.arn === caller.principal.arn &&
        // An attested path is closed only by a Deny that no attestation document gets past.
        !(p.attested ? denyFor(unconditionalDenies, caller, p.action) : p.closedBy),
    );
    return { caller, administers, releases };
  });
}

/** A caller whose only ways to the key's material need an attestation document of a given image: an enclave's role. */
export const isEnclaveRole = (d: CallerDuties) => d.releases.length > 0 && d.releases.every((p) => p.attested);
