// The client itself: <Name>Client (config resolution + middleware stack), the aggregated <Name> class with a
// method per operation, the shared command builder and the package index. The fixed text of all but the
// aggregated class is in codegen/templates/src.
import type { Context } from "./context";
import { inputOptional } from "./commands";
import { sourceFromTemplate } from "./template";
import { banner, lowerFirst, quote } from "./text";

export function emitClient(ctx: Context): [string, string][] {
  return [clientFile(ctx), [`src/${ctx.client}.ts`, aggregated(ctx)], commandBuilder(ctx), index(ctx)];
}

function clientFile(ctx: Context): [string, string] {
  const ops = ctx.operations;
  const union = (suffix: string) => ops.map((op) => `  | ${op.name}Command${suffix}`).join("\n");
  return sourceFromTemplate(
    ctx,
    "src/Client.ts",
    {
      Client: ctx.client,
      commandTypeImports: ops
        .map((op) => `import type { ${op.name}CommandInput, ${op.name}CommandOutput } from "./commands/${op.name}Command.js";`)
        .join("\n"),
      inputTypes: union("Input"),
      outputTypes: union("Output"),
    },
    `src/${ctx.client}Client.ts`,
  );
}

function aggregated(ctx: Context): string {
  const C = ctx.client;
  const ops = ctx.operations;
  const paged = ops.filter((op) => op.paginated);
  const methods: string[] = [];
  for (const op of ops) {
    const m = lowerFirst(op.name);
    const I = `${op.name}CommandInput`;
    const O = `${op.name}CommandOutput`;
    methods.push(`  /** @see {@link ${op.name}Command} */`);
    if (inputOptional(ctx, op)) methods.push(`  ${m}(): Promise<${O}>;`);
    methods.push(`  ${m}(args: ${I}, options?: ${C}RequestOptions): Promise<${O}>;`);
    methods.push(`  ${m}(args: ${I}, cb: (err: any, data?: ${O}) => void): void;`);
    methods.push(`  ${m}(args: ${I}, options: ${C}RequestOptions, cb: (err: any, data?: ${O}) => void): void;`);
    methods.push("");
  }
  for (const op of paged) {
    const opt = inputOptional(ctx, op) ? "?" : "";
    methods.push(`  /** @see {@link ${op.name}Command} */`);
    methods.push(
      `  paginate${op.name}(args${opt}: ${op.name}CommandInput, paginationConfig?: Omit<PaginationConfiguration, "client">): Paginator<${op.name}CommandOutput>;`,
    );
    methods.push("");
  }
  return `${banner(ctx)}import { createAggregatedClient } from "@smithy/core/client";
import type { HttpHandlerOptions as __HttpHandlerOptions, PaginationConfiguration, Paginator } from "@smithy/types";
${ops.map((op) => `import { ${op.name}Command, type ${op.name}CommandInput, type ${op.name}CommandOutput } from "./commands/${op.name}Command.js";`).join("\n")}
import { ${C}Client } from "./${C}Client.js";
${paged.map((op) => `import { paginate${op.name} } from "./pagination/${op.name}Paginator.js";`).join("\n")}

const commands = {
${ops.map((op) => `  ${op.name}Command,`).join("\n")}
};

const paginators = {
${paged.map((op) => `  paginate${op.name},`).join("\n")}
};

export interface ${C}RequestOptions extends __HttpHandlerOptions {}

export interface ${C} {
${methods.join("\n").trimEnd()}
}

/** ${C}Client with a method per operation (and per paginator): \`await kms.decrypt({ ... })\`. */
export class ${C} extends ${C}Client implements ${C} {}

createAggregatedClient(commands, ${C}, { paginators });
`;
}

function commandBuilder(ctx: Context): [string, string] {
  return sourceFromTemplate(ctx, "src/commandBuilder.ts", {
    Client: ctx.client,
    serviceTarget: quote(ctx.service.name),
    clientName: quote(`${ctx.client}Client`),
  });
}

function index(ctx: Context): [string, string] {
  return sourceFromTemplate(ctx, "src/index.ts", { Client: ctx.client });
}
