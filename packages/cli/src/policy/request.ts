// A request as kms-local's policy evaluator sees it: who calls, which action, on which key, and the
// condition keys the request carries, given by kms-local's own RequestConditions (the caller's account, the
// encryption context and, with a Recipient, the attestation document's PCRs), so that a simulated request
// carries exactly the keys a request to kms-local (and KMS) carries. A request to KMS always comes over TLS.
import { RequestConditions, type RequestToAuthorize } from "@nitro-enclaves-sdk/kms-local";
import type { Principal } from "../arn.js";

export interface RequestFacts {
  /** PCR index -> value, of the attestation document the request carries as its Recipient. */
  readonly attestationPcrs?: ReadonlyMap<number, Uint8Array>;
  readonly encryptionContext?: ReadonlyMap<string, string>;
}

const REGION = "us-east-1";

/** A key ARN in the caller's account, for requests that name no key. */
export const exampleKeyArn = (caller: Principal) => `arn:${caller.partition}:kms:${REGION}:${caller.account}:key/00000000-0000-4000-8000-000000000000`;

/** The region of a key ARN (arn:partition:kms:REGION:account:key/id). */
const regionOf = (keyArn: string) => keyArn.split(":")[3] || REGION;

export function requestAs(caller: Principal, action: string, facts: RequestFacts = {}, resource = exampleKeyArn(caller)): RequestToAuthorize {
  const context = new RequestConditions({
    request: {
      caller: { accessKeyId: "", arn: caller.arn, principalArn: caller.principalArn, account: caller.account },
      receivedAt: new Date(),
      secureTransport: true,
    },
    region: regionOf(resource),
    operation: { encryptionContext: Object.fromEntries(facts.encryptionContext ?? []) },
    attestationPcrs: facts.attestationPcrs,
  });
  return {
    callerArn: caller.arn,
    principalArn: caller.principalArn,
    principalAccount: caller.account,
    action,
    resource,
    context,
  };
}
