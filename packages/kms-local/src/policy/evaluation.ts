// Evaluating a key policy as IAM evaluates a resource-based policy: an explicit Deny wins; otherwise some
// Allow must apply; otherwise the request is implicitly denied. A statement applies when its Principal,
// Action (or NotAction), Resource (or NotResource) and every Condition match the request.
import { MalformedPolicyDocumentException } from "../errors.js";
import { compileCondition, type ConditionTest } from "./operators.js";
import { actionMatcher, resourceMatcher } from "./patterns.js";
import { principalMatcher, type PrincipalMatcher } from "./principals.js";
import type { KeyPolicy, PolicyDecision, PolicyStatement, RequestToAuthorize } from "./types.js";

/** A statement with its patterns and condition values read once, when the policy is parsed. */
interface CompiledStatement {
  readonly source: PolicyStatement;
  /** False for a statement without Action/NotAction or Resource/NotResource: it never applies. */
  readonly effective: boolean;
  readonly principal: PrincipalMatcher;
  readonly action: (lowerCaseAction: string) => boolean;
  readonly resource: (arn: string) => boolean;
  readonly conditions: readonly { key: string; test: ConditionTest }[];
}

const anyOf = <T>(tests: readonly ((x: T) => boolean)[]) => (x: T) => tests.some((t) => t(x));

function compileStatement(s: PolicyStatement): CompiledStatement {
  const actions = s.actions ?? s.notActions;
  const resources = s.resources ?? s.notResources;
  const actionHit = anyOf(actions?.map(actionMatcher) ?? []);
  const resourceHit = anyOf(resources?.map(resourceMatcher) ?? []);
  return {
    source: s,
    effective: actions !== undefined && resources !== undefined,
    principal: principalMatcher(s.principals),
    action: s.notActions ? (a) => !actionHit(a) : actionHit,
    resource: s.notResources ? (r) => !resourceHit(r) : resourceHit,
    conditions: s.conditions.map((c) => {
      const test = compileCondition(c, c.values);
      if (!test) {
        throw new MalformedPolicyDocumentException(`Policy contains a statement with an invalid value for the ${c.operator} condition on ${c.key}.`);
      }
      return { key: c.key.toLowerCase(), test };
    }),
  };
}

const compiled = new WeakMap<KeyPolicy, readonly CompiledStatement[]>();

/**
 * The compiled statements of a policy, compiled on first use (parseKeyPolicy compiles straight away, so
 * a bad value is refused when the policy is set). A KeyPolicy is treated as immutable.
 */
export function compilePolicy(policy: KeyPolicy): readonly CompiledStatement[] {
  let statements = compiled.get(policy);
  if (!statements) {
    statements = policy.statements.map(compileStatement);
    compiled.set(policy, statements);
  }
  return statements;
}

/**
 * A request's values for a condition key. aws:PrincipalArn is taken from the request itself, so that it
 * always agrees with the identity the Principal element was matched against.
 */
const requestValues = (request: RequestToAuthorize, key: string) =>
  key === "aws:principalarn" ? [request.principalArn] : request.context.get(key);

function applies(s: CompiledStatement, request: RequestToAuthorize, action: string): boolean {
  return (
    s.effective &&
    s.principal(request) &&
    s.action(action) &&
    s.resource(request.resource) &&
    s.conditions.every((c) => c.test(requestValues(request, c.key)))
  );
}

const decidedBy = ({ index, sid }: PolicyStatement) => (sid === undefined ? { index } : { index, sid });

export function evaluate(policy: KeyPolicy, request: RequestToAuthorize): PolicyDecision {
  const action = request.action.toLowerCase();
  let allow: PolicyStatement | undefined;
  for (const s of compilePolicy(policy)) {
    // Once an Allow has applied, only a Deny can change the decision.
    if (s.source.effect === "Allow" && allow) continue;
    if (!applies(s, request, action)) continue;
    if (s.source.effect === "Deny") return { decision: "ExplicitDeny", statement: decidedBy(s.source) };
    allow = s.source;
  }
  return allow ? { decision: "Allow", statement: decidedBy(allow) } : { decision: "ImplicitDeny" };
}
