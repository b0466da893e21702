// endpoint/: the endpoint parameters and the resolver, from the service's rules. A model with a
// smithy.rules#endpointBdd gets the binary decision diagram (fast); one with only an endpointRuleSet gets
// the rule set, evaluated by @smithy/core's resolveEndpoint.
import { UnsupportedModelError } from "../errors";
import type { Context } from "./context";
import { banner, quote } from "./text";

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
  const files: [string, string][] = [["src/endpoint/EndpointParameters.ts", endpointParameters(ctx, params)]];
  const names = Object.keys(params).sort();
  if (bdd) {
    files.push(["src/endpoint/bdd.ts", bddFile(ctx, bdd)]);
    files.push(["src/endpoint/endpointResolver.ts", resolver(ctx, names, "bdd")]);
  } else {
    files.push([
      "src/endpoint/ruleset.ts",
      `${banner(ctx)}import type { RuleSetObject } from "@smithy/types";

/** The service's endpoint rule set (smithy.rules#endpointRuleSet), as data. */
export const ruleSet: RuleSetObject = ${JSON.stringify(ruleSet, null, 2)} as RuleSetObject;
`,
    ]);
    files.push(["src/endpoint/endpointResolver.ts", resolver(ctx, names, "ruleset")]);
  }
  return files;
}

function endpointParameters(ctx: Context, params: Record<string, Param>): string {
  const entries = Object.entries(params);
  const defaults = entries
    .filter(([, p]) => p.default !== undefined)
    .map(([, p]) => `    ${BUILT_INS[p.builtIn!]!.config}: options.${BUILT_INS[p.builtIn!]!.config} ?? ${JSON.stringify(p.default)},`);
  return `${banner(ctx)}import type { Endpoint, EndpointParameters as __EndpointParameters, EndpointV2, Provider } from "@smithy/types";

/** Client configuration that feeds the endpoint rules. */
export interface ClientInputEndpointParameters {
  region?: string | undefined | Provider<string | undefined>;
  useDualstackEndpoint?: boolean | undefined | Provider<boolean | undefined>;
  useFipsEndpoint?: boolean | undefined | Provider<boolean | undefined>;
  endpoint?: string | Provider<string> | Endpoint | Provider<Endpoint> | EndpointV2 | Provider<EndpointV2>;
}

export type ClientResolvedEndpointParameters = Omit<ClientInputEndpointParameters, "endpoint"> & {
  defaultSigningName: string;
};

export const resolveClientEndpointParameters = <T>(
  options: T & ClientInputEndpointParameters,
): T & ClientResolvedEndpointParameters => {
  return Object.assign(options, {
${defaults.join("\n")}
    defaultSigningName: ${quote(ctx.service.signingName)},
  });
};

/** Where each rules parameter comes from. */
export const commonParams = {
${[...entries]
  .sort(([, a], [, b]) => builtInOrder.indexOf(a.builtIn!) - builtInOrder.indexOf(b.builtIn!))
  .map(([name, p]) => `  ${name}: { type: "builtInParams", name: ${quote(BUILT_INS[p.builtIn!]!.config)} },`)
  .join("\n")}
} as const;

/** The parameters of the endpoint rules. */
export interface EndpointParameters extends __EndpointParameters {
${entries.map(([name, p]) => `  ${name}?: ${p.type.toLowerCase() === "boolean" ? "boolean" : "string"} | undefined;`).join("\n")}
}
`;
}

function bddFile(ctx: Context, bdd: { conditions: unknown[]; results: any[]; root: number; nodeCount: number; nodes: string }): string {
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
  return `${banner(ctx)}import { BinaryDecisionDiagram } from "@smithy/core/endpoints";

// The service's endpoint rules compiled to a binary decision diagram (smithy.rules#endpointBdd).
// Conditions are [function, arguments, assign-to?]; results are [url, properties, headers?] or [-1, error],
// result 0 being "no match".
const conditions: any[] = [
${conditions.map((c) => `  ${c},`).join("\n")}
];

const results: any[] = [
${results.map((r) => `  ${r},`).join("\n")}
];

// Nodes: [condition, high, low] triples; a reference of R + n is result n, 1 / -1 are true / false.
const R = ${RESULT};
const nodes = new Int32Array([
${rows.join("\n")}
]);

export const bdd = BinaryDecisionDiagram.from(nodes, ${bdd.root}, conditions, results);
`;
}

function resolver(ctx: Context, names: string[], kind: "bdd" | "ruleset"): string {
  const imports =
    kind === "bdd"
      ? `import { customEndpointFunctions, decideEndpoint, EndpointCache } from "@smithy/core/endpoints";
import { bdd } from "./bdd.js";`
      : `import { customEndpointFunctions, EndpointCache, resolveEndpoint } from "@smithy/core/endpoints";
import { ruleSet } from "./ruleset.js";`;
  const call =
    kind === "bdd"
      ? `decideEndpoint(bdd, { endpointParams: params, logger: context.logger })`
      : `resolveEndpoint(ruleSet, { endpointParams: params, logger: context.logger })`;
  return `${banner(ctx)}import { awsEndpointFunctions } from "@aws-sdk/core/client";
${imports}
import type { EndpointParams, EndpointV2, Logger } from "@smithy/types";
import type { EndpointParameters } from "./EndpointParameters.js";

const cache = new EndpointCache({
  size: 50,
  params: [${names.map(quote).join(", ")}],
});

/** Resolves the endpoint for a request from the rules, remembering recent answers. */
export const defaultEndpointResolver = (
  endpointParams: EndpointParameters,
  context: { logger?: Logger } = {},
): EndpointV2 => {
  // The rules read only the parameters they declare; unset ones are simply absent.
  const params = endpointParams as EndpointParams;
  return cache.get(params, () => ${call});
};

// The rules call aws.partition, aws.parseArn and friends.
customEndpointFunctions.aws = awsEndpointFunctions;
`;
}
