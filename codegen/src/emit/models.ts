// models/: the TypeScript types of the shapes (structures.ts), enums as const objects (enums.ts), one class
// per modelled error (errors.ts) and the service's base exception.
import { isRequired, nameOf, type MemberShape, type Shape } from "../model/types";
import type { Context } from "./context";
import { sourceFromTemplate } from "./template";
import { banner, jsdoc, key, quote, summary } from "./text";

/** The TypeScript type of a member target; records enum names it uses in `enums`. */
export function tsType(ctx: Context, target: string, uses: Set<string>): string {
  const s = ctx.shape(target);
  switch (s.type) {
    case "string":
      return "string";
    case "enum":
    case "intEnum":
      uses.add(nameOf(target));
      return nameOf(target);
    case "boolean":
      return "boolean";
    case "byte": case "short": case "integer": case "long": case "float": case "double":
      return "number";
    case "bigInteger":
      return "bigint";
    case "bigDecimal":
      return "string";
    case "blob":
      return "Uint8Array";
    case "timestamp":
      return "Date";
    case "document":
      return "__DocumentType";
    case "list":
    case "set": {
      const t = tsType(ctx, s.member!.target, uses);
      return /[ |]/.test(t) ? `(${t})[]` : `${t}[]`;
    }
    case "map": {
      const k = ctx.shape(s.key!.target);
      const v = tsType(ctx, s.value!.target, uses);
      if (k.type === "enum") {
        uses.add(nameOf(s.key!.target));
        return `Partial<Record<${nameOf(s.key!.target)}, ${v}>>`;
      }
      return `Record<string, ${v}>`;
    }
    default:
      return nameOf(target); // structure, union
  }
}

function memberLines(ctx: Context, s: Shape, uses: Set<string>, skip: (name: string) => boolean = () => false): string[] {
  const lines: string[] = [];
  for (const [name, m] of Object.entries(s.members ?? {})) {
    if (skip(name)) continue;
    lines.push(jsdoc(summary(m.traits), "  ", deprecatedTag(m)).trimEnd());
    const opt = isRequired(m) ? "" : "?";
    lines.push(`  ${key(name)}${opt}: ${tsType(ctx, m.target, uses)} | undefined;`);
  }
  return lines.filter((l) => l !== "");
}

const deprecatedTag = (m: MemberShape | Shape): string[] => {
  const d = m.traits?.["smithy.api#deprecated"] as { message?: string } | undefined;
  return d ? [`@deprecated${d.message ? ` ${d.message}` : ""}`] : [];
};

export function emitModels(ctx: Context): [string, string][] {
  return [
    ["src/models/structures.ts", structures(ctx)],
    ["src/models/enums.ts", enums(ctx)],
    ["src/models/errors.ts", errors(ctx)],
    serviceException(ctx),
  ];
}

function structures(ctx: Context): string {
  const uses = new Set<string>();
  const body: string[] = [];
  for (const id of ctx.structures) {
    const s = ctx.shape(id);
    body.push(jsdoc(summary(s.traits), "", deprecatedTag(s)) + `export interface ${nameOf(id)} {`);
    body.push(...memberLines(ctx, s, uses));
    body.push("}", "");
  }
  for (const id of ctx.unions) {
    const s = ctx.shape(id);
    const names = Object.keys(s.members ?? {});
    const variants = names.map((n) => {
      const others = names.filter((o) => o !== n).map((o) => `${key(o)}?: never`);
      return `  | { ${[`${key(n)}: ${tsType(ctx, s.members![n]!.target, uses)}`, ...others, "$unknown?: never"].join("; ")} }`;
    });
    variants.push(`  | { ${[...names.map((o) => `${key(o)}?: never`), "$unknown: [string, any]"].join("; ")} }`);
    body.push(jsdoc(summary(s.traits)) + `export type ${nameOf(id)} =`, ...variants.map((v, i) => (i === variants.length - 1 ? `${v};` : v)), "");
  }
  const head = [banner(ctx)];
  if (body.join("\n").includes("__DocumentType")) head.push(`import type { DocumentType as __DocumentType } from "@smithy/types";`);
  if (uses.size) head.push(`import type { ${[...uses].sort().join(", ")} } from "./enums.js";`);
  head.push("");
  return [...head, ...body].join("\n");
}

function enums(ctx: Context): string {
  const out = [banner(ctx)];
  for (const id of ctx.enums) {
    const s = ctx.shape(id);
    const name = nameOf(id);
    const entries = Object.entries(s.members ?? {})
      .map(([member, m]) => {
        const v = m.traits?.["smithy.api#enumValue"];
        const value = s.type === "intEnum" ? String(v) : quote(typeof v === "string" ? v : member);
        return [member, value] as const;
      })
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out.push(jsdoc(summary(s.traits)) + `export const ${name} = {`);
    for (const [member, value] of entries) out.push(`  ${key(member)}: ${value},`);
    out.push("} as const;");
    out.push(`export type ${name} = (typeof ${name})[keyof typeof ${name}];`, "");
  }
  return out.join("\n");
}

function errors(ctx: Context): string {
  const uses = new Set<string>();
  const body: string[] = [];
  for (const id of ctx.errors) {
    const s = ctx.shape(id);
    const name = nameOf(id);
    const fault = s.traits?.["smithy.api#error"] === "server" ? "server" : "client";
    // `message` is Error's own; other members become fields.
    const fields = Object.keys(s.members ?? {}).filter((n) => n !== "message");
    body.push(jsdoc(summary(s.traits)) + `export class ${name} extends __BaseException {`);
    body.push(`  static readonly shapeId: string = ${quote(id)};`);
    body.push(`  readonly name = ${quote(name)} as const;`);
    body.push(`  readonly $fault = ${quote(fault)} as const;`);
    body.push(...memberLines(ctx, s, uses, (n) => n === "message"));
    body.push(`  constructor(opts: __ExceptionOptionType<${name}, __BaseException>) {`);
    body.push(`    super({ name: ${quote(name)}, $fault: ${quote(fault)}, ...opts });`);
    body.push(`    Object.setPrototypeOf(this, new.target.prototype);`);
    for (const f of fields) body.push(`    this.${f} = opts.${f};`);
    body.push("  }", "}", "");
  }
  const head = [
    banner(ctx),
    "// One class per modelled error. Each constructor sets the prototype of the class actually constructed",
    "// (new.target), as ServiceException expects, without naming its own class.",
    `import type { ExceptionOptionType as __ExceptionOptionType } from "@smithy/core/client";`,
  ];
  if (uses.size) head.push(`import type { ${[...uses].sort().join(", ")} } from "./enums.js";`);
  head.push(`import { ${ctx.client}ServiceException as __BaseException } from "./${ctx.client}ServiceException.js";`, "");
  return [...head, ...body].join("\n");
}

function serviceException(ctx: Context): [string, string] {
  const shapeId = `smithy.ts.sdk.synthetic.${ctx.service.namespace}#${ctx.client}ServiceException`;
  return sourceFromTemplate(ctx, "src/models/ServiceException.ts", { Client: ctx.client, shapeId: quote(shapeId) }, `src/models/${ctx.client}ServiceException.ts`);
}
