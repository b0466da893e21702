// Every way an Allow statement lets someone have secret material out of the key: for each statement,
// each caller its Principal names and each releasing action its Action takes in, whether it needs a pinned
// attestation document and which Deny, if any, refuses that caller the action without one.
import type { KeyPolicy, PolicyStatement } from "@nitro-enclaves-sdk/kms-local";
import { requiresPinnedAttestation } from "./attestation-conditions.js";
import { RELEASE_ACTIONS } from "./kms-actions.js";
import { callersNamedBy, coversAction, denyWithoutAttestation, type ProbeCaller } from "./probe.js";

export interface ReleasePath {
  readonly statement: PolicyStatement;
  readonly caller: ProbeCaller;
  readonly action: string;
  /** The statement applies only with an attestation document that carries a pinned measurement. */
  readonly attested: boolean;
  /** A Deny that refuses this caller the action when no attestation document comes with the request. */
  readonly deniedWithoutAttestation?: PolicyStatement;
}

const memo = new WeakMap<KeyPolicy, readonly ReleasePath[]>();

export function releasePaths(policy: KeyPolicy): readonly ReleasePath[] {
  let paths = memo.get(policy);
  if (paths) return paths;
  const found: ReleasePath[] = [];
  for (const statement of policy.statements) {
    if (statement.effect !== "Allow") continue;
    const attested = requiresPinnedAttestation(statement);
    for (const caller of callersNamedBy(statement)) {
      for (const action of RELEASE_ACTIONS) {
        if (!coversAction(statement, caller, action)) continue;
        // ReEncryptFrom never carries an attestation document: an attested statement never allows it.
        if (attested && action === "kms:ReEncryptFrom") continue;
        found.push({ statement, caller, action, attested, deniedWithoutAttestation: denyWithoutAttestation(policy.statements, caller, action) });
      }
    }
  }
  paths = found;
  memo.set(policy, paths);
  return paths;
}
