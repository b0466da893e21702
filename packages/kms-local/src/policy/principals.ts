// The Principal element: which forms a key policy may name, and whether a caller is one of them.
//
// kms-local has no IAM: an account (its id or "arn:aws:iam::<account>:root") stands, as in KMS, for "IAM
// policies of that account decide", and kms-local treats those IAM policies as allowing everything. A role
// ARN names every session of that role (the request's principalArn is the role for a session); a session
// ARN names that session only.
import { MalformedPolicyDocumentException } from "../errors.js";
import type { PolicyPrincipals, RequestToAuthorize } from "./types.js";

const ACCOUNT_ID = /^\d{12}$/;
const ACCOUNT_ROOT = /^arn:(aws[a-z-]*):iam::(\d{12}):root$/;
// IAM takes no wildcards inside a principal's ARN: only "*" on its own.
const AWS_PRINCIPAL_ARNS = [
  ACCOUNT_ROOT,
  /^arn:aws[a-z-]*:iam::\d{12}:(?:user|role)\/[^*?]+$/,
  /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[^/*?]+\/[^/*?]+$/,
  /^arn:aws[a-z-]*:sts::\d{12}:federated-user\/[^/*?]+$/,
];

/** KMS's wording for any principal it does not accept. */
function invalid(): never {
  throw new MalformedPolicyDocumentException("Policy contains a statement with one or more invalid principals.");
}

const principalList = (value: unknown): string[] => {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === "string" && v !== "")) invalid();
  return list as string[];
};

export function parsePrincipals(value: unknown): PolicyPrincipals {
  const out = { any: false, aws: [] as string[], service: [] as string[], federated: [] as string[], canonicalUser: [] as string[] };
  if (value === "*") return { ...out, any: true };
  if (value === null || typeof value !== "object" || Array.isArray(value)) return invalid();
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) invalid();
  for (const [type, list] of entries) {
    const values = principalList(list);
    switch (type) {
      case "AWS":
        for (const v of values) {
          if (v === "*") out.any = true;
          else if (!ACCOUNT_ID.test(v) && !AWS_PRINCIPAL_ARNS.some((re) => re.test(v))) invalid();
        }
        out.aws.push(...values);
        break;
      case "Service":
        out.service.push(...values);
        break;
      case "Federated":
        out.federated.push(...values);
        break;
      case "CanonicalUser":
        out.canonicalUser.push(...values);
        break;
      default:
        invalid();
    }
  }
  return out;
}

/** Tests whether a request's caller is one of a statement's principals. */
export type PrincipalMatcher = (request: RequestToAuthorize) => boolean;

/** Compiles a statement's principals once: accounts by id, exact ARNs in a set. */
export function principalMatcher(principals: PolicyPrincipals): PrincipalMatcher {
  if (principals.any) return () => true;
  const accounts = new Set<string>();
  const rootPartitions = new Map<string, string[]>();
  const arns = new Set<string>();
  for (const entry of principals.aws) {
    const root = ACCOUNT_ROOT.exec(entry);
    if (ACCOUNT_ID.test(entry)) accounts.add(entry);
    else if (root) rootPartitions.set(root[2], [...(rootPartitions.get(root[2]) ?? []), root[1]]);
    else arns.add(entry);
  }
  return (request) =>
    accounts.has(request.principalAccount) ||
    (rootPartitions.get(request.principalAccount)?.some((partition) => request.callerArn.startsWith(`arn:${partition}:`)) ?? false) ||
    arns.has(request.callerArn) ||
    arns.has(request.principalArn);
}
