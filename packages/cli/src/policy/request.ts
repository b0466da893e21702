// A request as kms-local's policy evaluator sees it: who calls, which action, on which key, and the
// condition keys the request carries (the caller's account, the encryption context and, with a Recipient,
// the attestation document's PCRs), named and valued as KMS sets them.
import type { RequestToAuthorize } from "@nitro-enclaves-sdk/kms-local";
import type { Principal } from "../arn.js";

export interface RequestFacts {
  /** Condition values from an attestation document (kms-local's attestationConditionValues). */
  readonly attestation?: ReadonlyMap<string, readonly string[]>;
  readonly encryptionContext?: ReadonlyMap<string, string>;
}

/** A key ARN in the caller's account, for requests that name no key. */
export const exampleKeyArn = (caller: Principal) => `arn:${caller.partition}:kms:us-east-1:${caller.account}:key/00000000-0000-4000-8000-000000000000`;

export function requestAs(caller: Principal, action: string, facts: RequestFacts = {}, resource = exampleKeyArn(caller)): RequestToAuthorize {
  const context = new Map<string, readonly string[]>([
    ["aws:principalaccount", [caller.account]],
    ["kms:calleraccount", [caller.account]],
  ]);
  const encryptionContext = facts.encryptionContext ?? new Map<string, string>();
  if (encryptionContext.size > 0) context.set("kms:encryptioncontextkeys", [...encryptionContext.keys()]);
  for (const [key, value] of encryptionContext) context.set(`kms:encryptioncontext:${key.toLowerCase()}`, [value]);
  for (const [key, values] of facts.attestation ?? []) context.set(key.toLowerCase(), values);
  return {
    callerArn: caller.arn,
    principalArn: caller.principalArn,
    principalAccount: caller.account,
    action,
    resource,
    context,
  };
}
