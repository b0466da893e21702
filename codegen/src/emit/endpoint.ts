// endpoint/: the endpoint parameters and the resolver, from the service's rules. A model with a
// smithy.rules#endpointBdd gets the binary decision diagram (fast); one with only an endpointRuleSet gets
// the rule set, evaluated by @smithy/core's resolveEndpoint.
import { UnsupportedModelError } from "../errors";
import type { Context } from "./context";
import { sourceFromTemplate } from "./template";
import { quote } from "./text";

interface Param {
  builtIn?: string;
  required?: boolean;
  default?: unknown;
  type: string;
  documentation?: string;
}

/**
 * Built-in endpoint parameters and the client config keys that carry them, in the order the upstream client
 * lists them (it decides the order config values are loaded and logged in).
 */
const BUILT_INS: Record<string, { config: string; type: string }> = {
  "AWS::UseFIPS": { config: "useFipsEndpoint", type: "boolean" },
  "SDK::Endpoint": { config: "endpoint", type: "string" },
  "AWS::Region": { config: "region", type: "string" },
  "AWS::UseDualStack": { config: "useDualstackEndpoint", type: "boolean" },
};
const builtInOrder = Object.keys(BUILT_INS);

const RESULT = 100_000_000;

export function emitEndpoint(ctx: Context): [string, string][] {
  const traits = ctx.service.shape.traits ?? {};
  const bdd = traits["smithy.rules#endpointBdd"] as
    | { parameters: Record<string, Param>; conditions: unknown[]; results: any[]; root: number; nodeCount: number; nodes: string }
    | undefined;
  const ruleSet = traits["smithy.rules#endpointRuleSet"] as { parameters: Record<string, Param> } | undefined;
  if (!bdd && !ruleSet) throw new UnsupportedModelError(ctx.service.id, "has no endpoint rules");
  const params = (bdd ?? ruleSet)!.parameters;
  for (const [name, p] of Object.entries(params)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UnsupportedModelError(ctx.service.id, `endpoint parameter name ${JSON.stringify(name)} is not an identifier`);
    }
    if (!p.builtIn || !BUILT_INS[p.builtIn]) {
      throw new UnsupportedModelError(ctx.service.id, `endpoint parameter ${name} (${p.builtIn ?? "client context"}) is not supported`);
    }
  }
  const files: [string, string][] = [endpointParameters(ctx, params)];
  const names = Object.keys(params).sort();
  if (bdd) {
    files.push(bddFile(ctx, bdd), resolver(ctx, names, "bdd"));
  } else {
    files.push(sourceFromTemplate(ctx, "src/endpoint/ruleset.ts", { ruleSet: JSON.stringify(ruleSet, null, 2) }));
    files.push(resolver(ctx, names, "ruleset"));
  }
  return files;
}

function endpointParameters(ctx: Context, params: Record<string, Param>): [string, string] {
  const entries = Object.entries(params);
  const config = (p: Param) => BUILT_INS[p.builtIn!]!.config;
  return sourceFromTemplate(ctx, "src/endpoint/EndpointParameters.ts", {
    defaults: entries
      .filter(([, p]) => p.default !== undefined)
      .map(([, p]) => `    ${config(p)}: options.${config(p)} ?? ${JSON.stringify(p.default)},`)
      .join("\n"),
    signingName: quote(ctx.service.signingName),
    commonParams: [...entries]
      .sort(([, a], [, b]) => builtInOrder.indexOf(a.builtIn!) - builtInOrder.indexOf(b.builtIn!))
      .map(([name, p]) => `  ${name}: { type: "builtInParams", name: ${quote(config(p))} },`)
      .join("\n"),
    parameterTypes: entries.map(([name, p]) => `  ${name}?: ${p.type.toLowerCase() === "boolean" ? "boolean" : "string"} | undefined;`).join("\n"),
  });
}

function bddFile(ctx: Context, bdd: { conditions: unknown[]; results: any[]; root: number; nodeCount: number; nodes: string }): [string, string] {
  if (!Number.isInteger(bdd.root) || !Number.isInteger(bdd.nodeCount) || typeof bdd.nodes !== "string") {
    throw new UnsupportedModelError(ctx.service.id, "endpointBdd needs an integer root and nodeCount and base64 nodes");
  }
  const bytes = Buffer.from(bdd.nodes, "base64");
  if (bytes.length !== bdd.nodeCount * 12) {
    throw new UnsupportedModelError(ctx.service.id, `endpointBdd has ${bytes.length} node bytes, expected ${bdd.nodeCount * 12}`);
  }
  const ref = (v: number) => (v >= RESULT ? `R + ${v - RESULT}` : String(v));
  const rows: string[] = [];
  for (let i = 0; i < bdd.nodeCount; i++) {
    const [c, hi, lo] = [0, 4, 8].map((o) => bytes.readInt32BE(i * 12 + o)) as [number, number, number];
    rows.push(`  ${c}, ${ref(hi)}, ${ref(lo)},`);
  }
  const conditions = bdd.conditions.map((c: any) =>
    JSON.stringify(c.assign !== undefined ? [c.fn, c.argv, c.assign] : [c.fn, c.argv]),
  );
  const results = [
    "[-1]",
    ...bdd.results.map((r) =>
      r.type === "error"
        ? JSON.stringify([-1, r.error])
        : JSON.stringify(
            Object.keys(r.endpoint.headers ?? {}).length
              ? [r.endpoint.url, r.endpoint.properties ?? {}, r.endpoint.headers]
              : [r.endpoint.url, r.endpoint.properties ?? {}],
          ),
    ),
  ];
  return sourceFromTemplate(ctx, "src/endpoint/bdd.ts", {
    conditions: conditions.map((c) => `  ${c},`).join("\n"),
    results: results.map((r) => `  ${r},`).join("\n"),
    resultBase: String(RESULT),
    nodes: rows.join("\n"),
    root: String(bdd.root),
  });
}

function resolver(ctx: Context, names: string[], kind: "bdd" | "ruleset"): [string, string] {
  const imports =
    kind === "bdd"
      ? `import { customEndpointFunctions, decideEndpoint, EndpointCache } from "@smithy/core/endpoints";
import { bdd } from "./bdd.js";`
      : `import { customEndpointFunctions, EndpointCache, resolveEndpoint } from "@smithy/core/endpoints";
import { ruleSet } from "./ruleset.js";`;
  const decide =
    kind === "bdd"
      ? `decideEndpoint(bdd, { endpointParams: params, logger: context.logger })`
      : `resolveEndpoint(ruleSet, { endpointParams: params, logger: context.logger })`;
  return sourceFromTemplate(ctx, "src/endpoint/endpointResolver.ts", { imports, parameterNames: names.map(quote).join(", "), decide });
}
