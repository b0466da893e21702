// pagination/: an async-iterator paginator per operation with the paginated trait.
import type { Context } from "./context";
import { sourceFromTemplate } from "./template";
import { banner, quote } from "./text";

export function emitPagination(ctx: Context): [string, string][] {
  const paged = ctx.operations.filter((op) => op.paginated);
  const files: [string, string][] = [sourceFromTemplate(ctx, "src/pagination/Interfaces.ts", { Client: ctx.client })];
  for (const op of paged) {
    const p = op.paginated!;
    const args = [quote(p.inputToken), quote(p.outputToken), ...(p.pageSize ? [quote(p.pageSize)] : [])].join(", ");
    files.push([
      `src/pagination/${op.name}Paginator.ts`,
      `${banner(ctx)}import { createPaginator } from "@smithy/core";
import type { Paginator } from "@smithy/types";
import { ${op.name}Command, type ${op.name}CommandInput, type ${op.name}CommandOutput } from "../commands/${op.name}Command.js";
import { ${ctx.client}Client } from "../${ctx.client}Client.js";
import type { ${ctx.client}PaginationConfiguration } from "./Interfaces.js";

/** Pages through ${op.name} results, following ${p.outputToken} into ${p.inputToken}. */
export const paginate${op.name}: (
  config: ${ctx.client}PaginationConfiguration,
  input: ${op.name}CommandInput,
  ...rest: any[]
) => Paginator<${op.name}CommandOutput> = createPaginator<${ctx.client}PaginationConfiguration, ${op.name}CommandInput, ${op.name}CommandOutput>(
  ${ctx.client}Client,
  ${op.name}Command,
  ${args},
);
`,
    ]);
  }
  files.push([
    "src/pagination/index.ts",
    banner(ctx) +
      [`export * from "./Interfaces.js";`, ...paged.map((op) => `export * from "./${op.name}Paginator.js";`)].join("\n") +
      "\n",
  ]);
  return files;
}
