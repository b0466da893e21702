// Key policies: a small IAM-style evaluator. A key policy is parsed (and refused as a
// MalformedPolicyDocumentException if it is not a well-formed policy) when it is set; a request is then
// evaluated as IAM does: an explicit Deny wins, otherwise some Allow must match, otherwise the request
// is implicitly denied. A statement matches when its Principal, Action (with * and ? wildcards,
// case-insensitive) and every Condition match.
//
// kms-local has no IAM: a principal "arn:aws:iam::<account>:root" (or the bare account id) in a key
// policy stands, as it does in KMS, for "IAM policies of that account decide", and kms-local treats
// those IAM policies as allowing everything. So the default key policy lets every principal of the
// account do everything, and a policy without that statement decides on its own.
import { MalformedPolicyDocumentException } from "./errors.js";

export type Effect = "Allow" | "Deny";

/** Condition keys of one request, lower-cased; each key holds one or more values. (A Map will do.) */
export interface ConditionContext {
  get(key: string): readonly string[] | undefined;
}

export interface RequestToAuthorize {
  /** The identity's ARN: an IAM user or root, or an STS assumed-role session. */
  callerArn: string;
  /** aws:PrincipalArn: the user ARN, or the role ARN for an assumed-role session. */
  principalArn: string;
  principalAccount: string;
  /** e.g. "kms:Decrypt" */
  action: string;
  /** The key's ARN. */
  resource: string;
  context: ConditionContext;
}

/** A condition, with its operator taken apart once, when the policy is parsed. */
interface Condition {
  /** The base operator, lower-cased (stringequals, null, ...). */
  base: string;
  /** ForAllValues: / ForAnyValue: / neither. */
  setOp: "all" | "any" | null;
  ifExists: boolean;
  negated: boolean;
  key: string;
  values: string[];
}

interface ActionPattern {
  /** Tests a lower-cased action. */
  test(action: string): boolean;
}

interface Statement {
  effect: Effect;
  principals: string[] | "*";
  actions: ActionPattern[];
  notActions: ActionPattern[] | null;
  conditions: Condition[];
}

export interface KeyPolicy {
  statements: Statement[];
}

const OPERATORS = new Set([
  "stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase",
  "stringlike", "stringnotlike", "bool", "null", "arnequals", "arnlike", "arnnotequals", "arnnotlike",
]);

export function defaultKeyPolicy(account: string): string {
  // Worded and laid out as KMS returns its default key policy from GetKeyPolicy.
  return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${account}:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;
}

const malformed = (why: string): never => {
  throw new MalformedPolicyDocumentException(why);
};

const asList = (v: unknown, what: string): string[] => {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((x) => typeof x === "string")) malformed(`Policy contains a statement with an invalid ${what}.`);
  return list as string[];
};

/**
 * IAM wildcard matching (* any run, ? one character) in O(pattern x text) time at worst: a regular
 * expression built from a policy could backtrack for ages on a long encryption-context value.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

/** A compiled Action pattern: actions are matched case-insensitively (the caller lower-cases the action). */
const actionPattern = (pattern: string): ActionPattern => {
  const lower = pattern.toLowerCase();
  if (lower === "*" || lower === "kms:*") return { test: (action) => lower === "*" || action.startsWith("kms:") };
  if (!lower.includes("*") && !lower.includes("?")) return { test: (action) => action === lower };
  return { test: (action) => globMatch(lower, action) };
};

function parsePrincipal(p: unknown): string[] | "*" {
  if (p === "*") return "*";
  if (p === null || typeof p !== "object" || Array.isArray(p)) return malformed("Policy contains a statement with one or more invalid principals.");
  const out: string[] = [];
  for (const [type, value] of Object.entries(p as Record<string, unknown>)) {
    const values = asList(value, "principal");
    if (type === "AWS") {
      for (const v of values) {
        if (v === "*") return "*";
        if (!/^\d{12}$/.test(v) && !/^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/.test(v))
          malformed("Policy contains a statement with one or more invalid principals.");
        out.push(v);
      }
    } else if (type !== "Service" && type !== "Federated" && type !== "CanonicalUser") {
      malformed("Policy contains a statement with one or more invalid principals.");
    }
    // Service and federated principals are valid in a policy but never match a kms-local caller.
  }
  return out;
}

function parseConditions(c: unknown): Condition[] {
  if (c === undefined) return [];
  if (c === null || typeof c !== "object" || Array.isArray(c)) return malformed("Policy contains a statement with an invalid Condition.");
  const out: Condition[] = [];
  for (const [op, block] of Object.entries(c as Record<string, unknown>)) {
    const base = op.replace(/^(ForAnyValue|ForAllValues):/i, "").replace(/IfExists$/i, "").toLowerCase();
    if (!OPERATORS.has(base)) malformed(`Policy contains a statement with an unsupported condition operator: ${op}.`);
    if (block === null || typeof block !== "object" || Array.isArray(block)) malformed("Policy contains a statement with an invalid Condition.");
    const setOp = /^ForAllValues:/i.test(op) ? "all" : /^ForAnyValue:/i.test(op) ? "any" : null;
    const ifExists = /IfExists$/i.test(op);
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      const values = (Array.isArray(value) ? value : [value]).map((v) => (typeof v === "boolean" || typeof v === "number" ? String(v) : v));
      out.push({ base, setOp, ifExists, negated: base.includes("not"), key: key.toLowerCase(), values: asList(values, "Condition value") });
    }
  }
  return out;
}

/** Parses and checks a key policy document (JSON text). */
export function parseKeyPolicy(text: string): KeyPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return malformed("The policy is not valid JSON.");
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return malformed("The policy must be a JSON object.");
  const { Version, Statement } = doc as Record<string, unknown>;
  if (Version !== undefined && Version !== "2012-10-17" && Version !== "2008-10-17") malformed("Policy has an unsupported Version.");
  const list = Array.isArray(Statement) ? Statement : Statement === undefined ? [] : [Statement];
  if (list.length === 0) malformed("Policy has no Statement.");
  const statements = list.map((s): Statement => {
    if (s === null || typeof s !== "object" || Array.isArray(s)) return malformed("Policy contains an invalid statement.");
    const st = s as Record<string, unknown>;
    if (st.Effect !== "Allow" && st.Effect !== "Deny") malformed("Policy contains a statement with an invalid Effect.");
    if (st.Principal === undefined) malformed("Policy contains a statement with no principal.");
    if (st.NotPrincipal !== undefined) malformed("kms-local does not support NotPrincipal in key policies.");
    if ((st.Action === undefined) === (st.NotAction === undefined)) malformed("Policy contains a statement with no Action (or both Action and NotAction).");
    const actions = st.Action === undefined ? [] : asList(st.Action, "Action").map(actionPattern);
    const notActions = st.NotAction === undefined ? null : asList(st.NotAction, "NotAction").map(actionPattern);
    if (st.Resource === undefined && st.NotResource === undefined) malformed("Policy contains a statement with no Resource.");
    return {
      effect: st.Effect as Effect,
      principals: parsePrincipal(st.Principal),
      actions,
      notActions,
      conditions: parseConditions(st.Condition),
    };
  });
  return { statements };
}

function principalMatches(p: Statement["principals"], req: RequestToAuthorize, accountRoot: string): boolean {
  if (p === "*") return true;
  return p.some((x) => x === req.principalArn || x === req.principalAccount || x === accountRoot);
}

function valueMatches(op: string, policyValue: string, actual: string): boolean {
  switch (op) {
    case "stringequals":
    case "stringnotequals":
    case "arnequals":
    case "arnnotequals":
      return policyValue === actual;
    case "stringequalsignorecase":
    case "stringnotequalsignorecase":
      return policyValue.toLowerCase() === actual.toLowerCase();
    case "stringlike":
    case "stringnotlike":
    case "arnlike":
    case "arnnotlike":
      return globMatch(policyValue, actual);
    case "bool":
      return policyValue.toLowerCase() === actual.toLowerCase();
    default:
      return false;
  }
}

function conditionMatches(c: Condition, context: ConditionContext): boolean {
  const { setOp, ifExists, base, negated } = c;
  const actual = context.get(c.key);
  if (base === "null") {
    const absent = actual === undefined || actual.length === 0;
    return c.values.some((v) => (v.toLowerCase() === "true") === absent);
  }
  if (actual === undefined || actual.length === 0) {
    if (setOp === "all") return true;
    return ifExists || negated;
  }
  const hit = (value: string) => c.values.some((pv) => valueMatches(base, pv, value));
  if (setOp === "all") return actual.every((v) => (negated ? !hit(v) : hit(v)));
  const anyHit = actual.some(hit);
  return negated ? !anyHit : anyHit;
}

function statementMatches(s: Statement, req: RequestToAuthorize, action: string, accountRoot: string): boolean {
  if (!principalMatches(s.principals, req, accountRoot)) return false;
  const actionHit = s.notActions ? !s.notActions.some((r) => r.test(action)) : s.actions.some((r) => r.test(action));
  if (!actionHit) return false;
  return s.conditions.every((c) => conditionMatches(c, req.context));
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

export interface PolicyDecision {
  decision: Decision;
  /** The statement that decided (the first Allow, or the Deny). */
  statement?: { index: number; sid?: string };
}

export function evaluate(policy: KeyPolicy, req: RequestToAuthorize): PolicyDecision {
  let allowedBy: number | undefined;
  const action = req.action.toLowerCase();
  const accountRoot = `arn:aws:iam::${req.principalAccount}:root`;
  for (const [index, s] of policy.statements.entries()) {
    if (!statementMatches(s, req, action, accountRoot)) continue;
    if (s.effect === "Deny") return { decision: "ExplicitDeny", statement: { index } };
    allowedBy ??= index;
  }
  return allowedBy === undefined ? { decision: "ImplicitDeny" } : { decision: "Allow", statement: { index: allowedBy } };
}
