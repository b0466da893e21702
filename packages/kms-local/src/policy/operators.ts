// IAM's condition operators: their names, how each reads a policy's values, and how a condition holds for
// the values a request carries (IAM policy evaluation logic: absent keys, IfExists, ForAllValues /
// ForAnyValue, negated operators).
import { arnMatches, globMatch } from "./patterns.js";
import { cidrSet, readBase64, readBoolean, readCidr, readDate, readNumber } from "./values.js";

/** Tests one request value against all of a condition's policy values (true if any matches). */
type ValueTest = (requestValue: string) => boolean;

interface OperatorSpec {
  /** A negated operator holds when its positive form does not (StringNotEquals is "not StringEquals"). */
  readonly negated: boolean;
  /** Reads the policy's values; undefined when one of them is not a value of this operator's type. */
  readonly compile: (values: readonly string[]) => ValueTest | undefined;
}

const allRead = <T>(values: readonly string[], read: (v: string) => T | undefined): T[] | undefined => {
  const out: T[] = [];
  for (const v of values) {
    const r = read(v);
    if (r === undefined) return undefined;
    out.push(r);
  }
  return out;
};

const exactly = (values: readonly string[]): ValueTest => {
  const set = new Set(values);
  return (v) => set.has(v);
};
const ignoringCase = (values: readonly string[]): ValueTest => {
  const set = new Set(values.map((v) => v.toLowerCase()));
  return (v) => set.has(v.toLowerCase());
};
const like = (values: readonly string[]): ValueTest => (v) => values.some((p) => globMatch(p, v));
const arnLike = (values: readonly string[]): ValueTest => (v) => values.some((p) => arnMatches(p, v));

/** Numeric and Date operators: both sides read as numbers, then compared. */
const ordered = (read: (v: string) => number | undefined, holds: (request: number, policy: number) => boolean) =>
  (values: readonly string[]): ValueTest | undefined => {
    const policy = allRead(values, read);
    if (!policy) return undefined;
    return (v) => {
      const request = read(v);
      return request !== undefined && policy.some((p) => holds(request, p));
    };
  };
const eq = (a: number, b: number) => a === b;
const lt = (a: number, b: number) => a < b;
const le = (a: number, b: number) => a <= b;
const gt = (a: number, b: number) => a > b;
const ge = (a: number, b: number) => a >= b;

const bool = (values: readonly string[]): ValueTest | undefined => {
  const policy = allRead(values, readBoolean);
  if (!policy) return undefined;
  return (v) => {
    const request = readBoolean(v);
    return request !== undefined && policy.includes(request);
  };
};

const binary = (values: readonly string[]): ValueTest | undefined => {
  const policy = allRead(values, readBase64);
  if (!policy) return undefined;
  return (v) => {
    const request = readBase64(v);
    return request !== undefined && policy.some((p) => p.equals(request));
  };
};

const ipAddress = (values: readonly string[]): ValueTest | undefined => {
  const blocks = allRead(values, readCidr);
  return blocks && cidrSet(blocks);
};

const OPERATORS = {
  StringEquals: { negated: false, compile: exactly },
  StringNotEquals: { negated: true, compile: exactly },
  StringEqualsIgnoreCase: { negated: false, compile: ignoringCase },
  StringNotEqualsIgnoreCase: { negated: true, compile: ignoringCase },
  StringLike: { negated: false, compile: like },
  StringNotLike: { negated: true, compile: like },
  NumericEquals: { negated: false, compile: ordered(readNumber, eq) },
  NumericNotEquals: { negated: true, compile: ordered(readNumber, eq) },
  NumericLessThan: { negated: false, compile: ordered(readNumber, lt) },
  NumericLessThanEquals: { negated: false, compile: ordered(readNumber, le) },
  NumericGreaterThan: { negated: false, compile: ordered(readNumber, gt) },
  NumericGreaterThanEquals: { negated: false, compile: ordered(readNumber, ge) },
  DateEquals: { negated: false, compile: ordered(readDate, eq) },
  DateNotEquals: { negated: true, compile: ordered(readDate, eq) },
  DateLessThan: { negated: false, compile: ordered(readDate, lt) },
  DateLessThanEquals: { negated: false, compile: ordered(readDate, le) },
  DateGreaterThan: { negated: false, compile: ordered(readDate, gt) },
  DateGreaterThanEquals: { negated: false, compile: ordered(readDate, ge) },
  Bool: { negated: false, compile: bool },
  BinaryEquals: { negated: false, compile: binary },
  IpAddress: { negated: false, compile: ipAddress },
  NotIpAddress: { negated: true, compile: ipAddress },
  // ArnEquals takes wildcards as ArnLike does (IAM documents the two together).
  ArnEquals: { negated: false, compile: arnLike },
  ArnLike: { negated: false, compile: arnLike },
  ArnNotEquals: { negated: true, compile: arnLike },
  ArnNotLike: { negated: true, compile: arnLike },
} satisfies Record<string, OperatorSpec>;

/** The base condition operators, by their canonical names. */
export type ConditionOperatorName = keyof typeof OPERATORS | "Null";

export type SetQualifier = "ForAllValues" | "ForAnyValue";

/** A condition operator as written ("ForAnyValue:StringLikeIfExists"), taken apart. */
export interface ConditionOperator {
  readonly base: ConditionOperatorName;
  /** The set qualifier, if any. */
  readonly qualifier?: SetQualifier;
  readonly ifExists: boolean;
}

const BY_LOWER_NAME = new Map<string, ConditionOperatorName>(
  [...Object.keys(OPERATORS), "Null"].map((name) => [name.toLowerCase(), name as ConditionOperatorName]),
);

/**
 * Takes an operator name apart (names are matched case-insensitively). Undefined for a name IAM does not
 * define, including Null with IfExists or a set qualifier.
 */
export function parseOperator(text: string): ConditionOperator | undefined {
  let rest = text;
  let qualifier: SetQualifier | undefined;
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === "forallvalues") qualifier = "ForAllValues";
    else if (prefix === "foranyvalue") qualifier = "ForAnyValue";
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  const ifExists = rest.toLowerCase().endsWith("ifexists");
  if (ifExists) rest = rest.slice(0, -"ifexists".length);
  const base = BY_LOWER_NAME.get(rest.toLowerCase());
  if (!base || (base === "Null" && (ifExists || qualifier))) return undefined;
  return { base, qualifier, ifExists };
}

/** Whether a condition holds for the values the request carries for its key (undefined: the key is absent). */
export type ConditionTest = (requestValues: readonly string[] | undefined) => boolean;

/**
 * Compiles one condition (an operator, and the policy's values for one key). Undefined when a value is not
 * of the operator's type (a Numeric operator given "abc", IpAddress given "10.0.0.0/33").
 */
export function compileCondition(op: ConditionOperator, values: readonly string[]): ConditionTest | undefined {
  if (op.base === "Null") {
    const expectations = allRead(values, readBoolean);
    if (!expectations) return undefined;
    // "true": the key must be absent; "false": it must be present.
    return (request) => expectations.includes(request === undefined || request.length === 0 ? "true" : "false");
  }
  const spec: OperatorSpec = OPERATORS[op.base];
  const hit = spec.compile(values);
  if (!hit) return undefined;
  const { negated } = spec;
  const holdsFor = (v: string) => hit(v) !== negated;
  return (request) => {
    if (request === undefined || request.length === 0) {
      // IAM: ForAnyValue over no values is false and ForAllValues true (whatever IfExists says); otherwise
      // an absent key fails the condition, except with IfExists or a negated operator.
      if (op.qualifier === "ForAnyValue") return false;
      if (op.qualifier === "ForAllValues") return true;
      return op.ifExists || negated;
    }
    if (op.qualifier === "ForAnyValue") return request.some(holdsFor);
    if (op.qualifier === "ForAllValues") return request.every(holdsFor);
    // Without a qualifier several request values act as one: the positive operator holds if any matches,
    // the negated one if none does.
    return request.some(hit) !== negated;
  };
}
