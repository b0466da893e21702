// Reading a key policy document into a KeyPolicy: KMS's size quota, the IAM policy grammar's elements
// (unknown ones refused), and each element's form. What the values mean (numbers, dates, CIDRs) is checked
// when the policy is compiled (evaluation.ts), which parseKeyPolicy does straight after.
import { LimitExceededException, MalformedPolicyDocumentException } from "../errors.js";
import { firstDuplicateMember } from "./json.js";
import { parseOperator } from "./operators.js";
import { arnParts } from "./patterns.js";
import { parsePrincipals } from "./principals.js";
import type { Effect, KeyPolicy, PolicyCondition, PolicyStatement } from "./types.js";

/** KMS's key policy document size quota (not adjustable), in bytes of UTF-8. */
export const MAX_POLICY_BYTES = 32768;

const VERSIONS = new Set(["2012-10-17", "2008-10-17"]);
const POLICY_ELEMENTS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_ELEMENTS = new Set(["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]);

function malformed(why: string): never {
  throw new MalformedPolicyDocumentException(why);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** A string or a non-empty list of non-empty strings. */
const stringList = (value: unknown, element: string): string[] => {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === "string" && v !== "")) {
    malformed(`Policy contains a statement with an invalid ${element} element.`);
  }
  return list as string[];
};

/** Exactly one of an element and its Not form, or neither (then the statement has no effect). */
const oneOf = (st: Record<string, unknown>, element: string, read: (v: unknown, name: string) => string[]) => {
  const notElement = `Not${element}`;
  if (st[element] !== undefined && st[notElement] !== undefined) malformed(`Policy contains a statement with both ${element} and ${notElement}.`);
  return {
    list: st[element] === undefined ? undefined : read(st[element], element),
    notList: st[notElement] === undefined ? undefined : read(st[notElement], notElement),
  };
};

const resourceList = (value: unknown, element: string): string[] => {
  const list = stringList(value, element);
  for (const r of list) {
    if (r !== "*" && (!r.startsWith("arn:") || !arnParts(r))) malformed(`Policy contains a statement with an invalid ${element}: ${r} must be in ARN format or "*".`);
  }
  return list;
};

const conditionValues = (value: unknown): string[] => {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) malformed("Policy contains a statement with a condition that has no values.");
  return list.map((v) => {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return malformed("Policy contains a statement with an invalid condition value.");
  });
};

function readConditions(value: unknown): PolicyCondition[] {
  if (value === undefined) return [];
  if (!isObject(value)) return malformed("Policy contains a statement with an invalid Condition element.");
  const out: PolicyCondition[] = [];
  for (const [operator, block] of Object.entries(value)) {
    const op = parseOperator(operator);
    if (!op) malformed(`Policy contains a statement with an unsupported condition operator: ${operator}.`);
    if (!isObject(block)) malformed(`Policy contains a statement with an invalid ${operator} condition.`);
    for (const [key, values] of Object.entries(block)) {
      out.push({ operator, ...op, key, values: conditionValues(values) });
    }
  }
  return out;
}

function readStatement(s: unknown, index: number): PolicyStatement {
  if (!isObject(s)) return malformed("Policy contains a statement that is not a JSON object.");
  for (const element of Object.keys(s)) {
    if (!STATEMENT_ELEMENTS.has(element)) malformed(`Policy contains a statement with an unknown element: ${element}.`);
  }
  if (s.Sid !== undefined && typeof s.Sid !== "string") malformed("Policy contains a statement with an invalid Sid.");
  if (s.Effect !== "Allow" && s.Effect !== "Deny") malformed("Policy contains a statement with an invalid Effect.");
  if (s.NotPrincipal !== undefined) malformed("kms-local does not support NotPrincipal in key policies.");
  if (s.Principal === undefined) malformed("Policy contains a statement with no Principal.");
  const actions = oneOf(s, "Action", stringList);
  const resources = oneOf(s, "Resource", resourceList);
  return {
    index,
    ...(s.Sid === undefined ? {} : { sid: s.Sid as string }),
    effect: s.Effect as Effect,
    principals: parsePrincipals(s.Principal),
    ...(actions.list && { actions: actions.list }),
    ...(actions.notList && { notActions: actions.notList }),
    ...(resources.list && { resources: resources.list }),
    ...(resources.notList && { notResources: resources.notList }),
    conditions: readConditions(s.Condition),
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Reads a key policy document (JSON text) into its parsed, frozen form; refuses it as KMS would. */
export function readPolicyDocument(text: string): KeyPolicy {
  if (Buffer.byteLength(text, "utf8") > MAX_POLICY_BYTES) {
    throw new LimitExceededException(`The key policy exceeds the maximum size of ${MAX_POLICY_BYTES} bytes.`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return malformed("The policy is not valid JSON.");
  }
  if (!isObject(doc)) return malformed("The policy must be a JSON object.");
  const duplicate = firstDuplicateMember(text);
  if (duplicate !== undefined) malformed(`Policy contains a duplicate element: ${duplicate}.`);
  for (const element of Object.keys(doc)) {
    if (!POLICY_ELEMENTS.has(element)) malformed(`Policy contains an unknown element: ${element}.`);
  }
  const { Version, Id, Statement } = doc;
  if (Version !== undefined && !(typeof Version === "string" && VERSIONS.has(Version))) malformed("Policy has an unsupported Version.");
  if (Id !== undefined && typeof Id !== "string") malformed("Policy has an invalid Id.");
  const list = Array.isArray(Statement) ? Statement : Statement === undefined ? [] : [Statement];
  if (list.length === 0) malformed("Policy has no Statement.");
  const statements = list.map(readStatement);
  const sids = new Set<string>();
  for (const { sid } of statements) {
    if (sid === undefined) continue;
    if (sids.has(sid)) malformed(`Policy contains more than one statement with Sid ${JSON.stringify(sid)}.`);
    sids.add(sid);
  }
  return deepFreeze({
    ...(Version === undefined ? {} : { version: Version as string }),
    ...(Id === undefined ? {} : { id: Id as string }),
    statements,
  });
}
