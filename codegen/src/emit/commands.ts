// commands/: one file per operation, each a class built from the operation's schema by the shared builder.
import { isRequired, nameOf, UNIT } from "../model/types";
import type { Context, Operation } from "./context";
import { banner, jsdoc, summary } from "./text";

export function emitCommands(ctx: Context): [string, string][] {
  const files: [string, string][] = ctx.operations.map((op) => [`src/commands/${op.name}Command.ts`, command(ctx, op)]);
  files.push([
    "src/commands/index.ts",
    banner(ctx) + ctx.operations.map((op) => `export * from "./${op.name}Command.js";`).join("\n") + "\n",
  ]);
  return files;
}

/** An operation whose input has no required member can be sent without arguments. */
export const inputOptional = (ctx: Context, op: Operation) =>
  op.input === UNIT || !Object.values(ctx.shape(op.input).members ?? {}).some(isRequired);

function command(ctx: Context, op: Operation): string {
  const types = [op.input, op.output].filter((t) => t !== UNIT).map(nameOf);
  const inputType = op.input === UNIT ? "" : ` extends ${nameOf(op.input)}`;
  const outputTypes = op.output === UNIT ? "__MetadataBearer" : `${nameOf(op.output)}, __MetadataBearer`;
  const apiIn = op.input === UNIT ? "{}" : nameOf(op.input);
  const apiOut = op.output === UNIT ? "{}" : nameOf(op.output);
  const errors = op.errors.map(nameOf);
  const doc = jsdoc(summary(op.shape.traits), "", [
    ...errors.map((e) => `@throws {@link ${e}}`),
    ...(op.shape.traits?.["smithy.api#deprecated"] ? ["@deprecated"] : []),
  ]);
  return `${banner(ctx)}import type { MetadataBearer as __MetadataBearer } from "@smithy/types";
import { command, noExtraEndpointParams, noExtraPlugins } from "../commandBuilder.js";
${types.length ? `import type { ${[...new Set(types)].join(", ")} } from "../models/structures.js";\n` : ""}import { ${op.name}$ } from "../schemas/schemas.js";

export type { __MetadataBearer };

export interface ${op.name}CommandInput${inputType} {}
export interface ${op.name}CommandOutput extends ${outputTypes} {}

${doc}export class ${op.name}Command extends command<${op.name}CommandInput, ${op.name}CommandOutput>(
  noExtraEndpointParams,
  noExtraPlugins,
  ${JSON.stringify(op.name)},
  ${op.name}$,
) {
  /** @internal Type carrier for the aggregated client and middleware typings. */
  protected declare static __types: {
    api: { input: ${apiIn}; output: ${apiOut} };
    sdk: { input: ${op.name}CommandInput; output: ${op.name}CommandOutput };
  };
}
`;
}
