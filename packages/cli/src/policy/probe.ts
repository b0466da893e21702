// Questions about a parsed key policy, each answered by kms-local's own evaluator on a policy of some of
// its statements, so that the linter reads actions, principals and conditions exactly as the emulator
// (and KMS, as far as the emulator follows it) does.
import { createHash } from "node:crypto";
import { evaluate, type KeyPolicy, type PolicyCondition, type PolicyDecision, type PolicyStatement } from "@nitro-enclaves-sdk/kms-local";
import { readPrincipalArn, type Principal } from "../arn.js";
import { BOOT_MEASUREMENTS } from "../pcr.js";
import { requestAs, type RequestFacts } from "./request.js";

/** Someone whom a statement's Principal names, as a caller to evaluate requests for. */
export interface ProbeCaller {
  /** The Principal entry as written ("*" for everyone). */
  readonly named: string;
  readonly principal: Principal;
}

const principal = (arn: string) => readPrincipalArn(arn)!;

/** A caller from an account no policy names: who "*" lets in. */
export const OUTSIDER: ProbeCaller = { named: "*", principal: principal("arn:aws:iam::000000000000:role/anyone-anywhere") };

/**
 * The callers a statement's Principal stands for: everyone (an outsider), any principal of a named account
 * (a role in it), or the named user, role or session. Service, federated and canonical-user principals are
 * not AWS callers of KMS and are left out.
 */
export function callersNamedBy(s: PolicyStatement): ProbeCaller[] {
  const out: ProbeCaller[] = s.principals.any ? [OUTSIDER] : [];
  for (const named of s.principals.aws) {
    if (named === "*") continue;
    const p = /^\d{12}$/.test(named) ? accountMember("aws", named) : readPrincipalArn(named);
    if (p) out.push({ named, principal: p.kind === "root" ? accountMember(p.partition, p.account) : p });
  }
  return out;
}

/** Some principal of an account: who an account id or account root ARN in a Principal stands for. */
const accountMember = (partition: string, account: string) => principal(`arn:${partition}:iam::${account}:role/any-principal-of-the-account`);

/** A statement that applies to this key whatever its Resource says: a key policy only ever governs its own key. */
const onThisKey = (s: PolicyStatement): PolicyStatement => ({ ...s, resources: ["*"], notResources: undefined });

const policyOf = (statements: readonly PolicyStatement[]): KeyPolicy => ({ statements: statements.map(onThisKey) });

/** The whole policy's decision on a request. */
export function decide(policy: KeyPolicy, caller: ProbeCaller, action: string, facts: RequestFacts = {}): PolicyDecision {
  return evaluate(policyOf(policy.statements), requestAs(caller.principal, action, facts));
}

/** Whether a statement's Principal and Action (or NotAction) take in this caller and action, whatever its conditions. */
export function coversAction(s: PolicyStatement, caller: ProbeCaller, action: string): boolean {
  const bare: PolicyStatement = { ...s, effect: "Allow", conditions: [] };
  return evaluate(policyOf([bare]), requestAs(caller.principal, action)).decision === "Allow";
}

const EVERYONE = { any: true, aws: [], service: [], federated: [], canonicalUser: [] };

/**
 * Whether one condition holds for a request from an outside account that carries no attestation document
 * (and no encryption context): only the caller's own keys, such as kms:CallerAccount.
 */
export function holdsWithoutAttestation(condition: PolicyCondition): boolean {
  const probe: PolicyStatement = { index: 0, effect: "Allow", principals: EVERYONE, actions: ["*"], resources: ["*"], conditions: [condition] };
  return evaluate({ statements: [probe] }, requestAs(OUTSIDER.principal, "kms:Decrypt")).decision === "Allow";
}

/** The first Deny among `statements` that refuses this caller the action, on a request with these facts. */
export function denyFor(statements: readonly PolicyStatement[], caller: ProbeCaller, action: string, facts: RequestFacts = {}): PolicyStatement | undefined {
  const denies = statements.filter((s) => s.effect === "Deny");
  const { decision, statement } = evaluate(policyOf(denies), requestAs(caller.principal, action, facts));
  return decision === "ExplicitDeny" ? denies.find((s) => s.index === statement!.index) : undefined;
}

/**
 * The PCRs of an enclave running an image that no policy names, as an attacker could bring: PCRs 0-15 as an
 * NSM reports them, 0-4 and 8 set, the others zero.
 */
export const FOREIGN_IMAGE: ReadonlyMap<number, Uint8Array> = new Map(
  Array.from({ length: 16 }, (_, i) => [i, BOOT_MEASUREMENTS.has(i) ? createHash("sha384").update(`an image nobody named, PCR${i}`).digest() : new Uint8Array(48)]),
);
