// Wildcard matching as IAM does it: Action names (case-insensitive), ARNs in Resource and in the Arn
// condition operators (case-sensitive, each of the six colon-separated parts on its own).

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

/** "arn", partition, service, region, account, resource (which may itself hold colons); undefined if fewer. */
export function arnParts(arn: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(":", start);
    if (colon < 0) return undefined;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

/**
 * An ARN pattern against an ARN: each part is matched on its own, so a wildcard never spans a colon
 * between parts (it may within the resource part). A pattern without all six parts matches nothing.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  const want = arnParts(pattern);
  const have = arnParts(arn);
  if (!want || !have) return false;
  return want.every((part, i) => globMatch(part, have[i]));
}

/** Tests a lower-cased action name ("kms:decrypt") against one Action entry. */
export type ActionMatcher = (action: string) => boolean;

export function actionMatcher(pattern: string): ActionMatcher {
  const lower = pattern.toLowerCase();
  if (lower === "*") return () => true;
  if (lower === "kms:*") return (action) => action.startsWith("kms:");
  if (!lower.includes("*") && !lower.includes("?")) return (action) => action === lower;
  return (action) => globMatch(lower, action);
}

/** Tests the key's ARN against one Resource entry: "*" is every resource. */
export function resourceMatcher(pattern: string): (arn: string) => boolean {
  if (pattern === "*") return () => true;
  return (arn) => arnMatches(pattern, arn);
}
