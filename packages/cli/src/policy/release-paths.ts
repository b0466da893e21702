// Every way an Allow statement lets someone have secret material out of the key: for each statement,
// each caller its Principal names and each releasing action its Action takes in, whether it needs an
// attestation document that shows a particular image, and which Deny, if any, closes it to requests that do
// not (without a document, or with one from an image of the caller's own).
import type { KeyPolicy, PolicyStatement } from "@nitro-enclaves-sdk/kms-local";
import { requiresImage } from "./attestation-conditions.js";
import { RELEASE_ACTIONS } from "./kms-actions.js";
import { callersNamedBy, coversAction, denyFor, FOREIGN_IMAGE, type ProbeCaller } from "./probe.js";

export interface ReleasePath {
  readonly statement: PolicyStatement;
  readonly caller: ProbeCaller;
  readonly action: string;
  /** The statement applies only with an attestation document that shows a particular image (PCR0, 2 or 8). */
  readonly attested: boolean;
  /** A Deny that refuses this caller the action both without an attestation document and with another image's. */
  readonly closedBy?: PolicyStatement;
}

const memo = new WeakMap<KeyPolicy, readonly ReleasePath[]>();

export function releasePaths(policy: KeyPolicy): readonly ReleasePath[] {
  let paths = memo.get(policy);
  if (paths) return paths;
  const found: ReleasePath[] = [];
  for (const statement of policy.statements) {
    if (statement.effect !== "Allow") continue;
    const attested = requiresImage(statement);
    for (const caller of callersNamedBy(statement)) {
      for (const action of RELEASE_ACTIONS) {
        if (!coversAction(statement, caller, action)) continue;
        // ReEncryptFrom never carries an attestation document: an attested statement never allows it.
        if (attested && action === "kms:ReEncryptFrom") continue;
        const closedBy = denyFor(policy.statements, caller, action) && denyFor(policy.statements, caller, action, { attestationPcrs: FOREIGN_IMAGE });
        found.push({ statement, caller, action, attested, ...(closedBy && { closedBy }) });
      }
    }
  }
  paths = found;
  memo.set(policy, paths);
  return paths;
}
