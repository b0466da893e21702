// The schemas the generator writes drive all serialization, so they are checked one by one against the
// schemas inside the official @aws-sdk/client-kms that codegen/config.json says ours mirrors (installed as
// the `official-client-kms` alias), built by AWS from the same model.
import { createRequire } from "node:module";
import { join } from "node:path";
import { CLIENT_PACKAGE, REPO } from "./helpers";

const official = createRequire(join(REPO, "test", "package.json"))("official-client-kms");
const ours = require(join(CLIENT_PACKAGE, "src", "schemas", "schemas.ts"));

/** A schema with its lazy references resolved; a schema met again inside itself becomes "@id". */
function resolve(schema: unknown, seen: Set<string> = new Set()): unknown {
  if (typeof schema === "function") schema = schema();
  if (!Array.isArray(schema)) return schema;
  if (schema.length >= 5 && typeof schema[0] === "number" && typeof schema[2] === "string") {
    const id = `${schema[1]}#${schema[2]}`;
    if (seen.has(id)) return `@${id}`;
    seen = new Set(seen).add(id);
  }
  return schema.map((s) => resolve(s, seen));
}

const names = Object.keys(official).filter((k) => k.endsWith("$"));

it("exports the same schemas as the official client", () => {
  expect(names.length).toBeGreaterThan(200);
  expect(Object.keys(ours).filter((k) => k.endsWith("$")).sort()).toEqual([...names].sort());
});

it.each(names)("%s equals the official schema", (name) => {
  expect(resolve(ours[name])).toEqual(resolve(official[name]));
});

it("registers each error schema with its own error class, as the official client does", () => {
  /** [registry namespace, error shape name, class name] for each error a registry holds itself. */
  const registered = (module: any) =>
    module.errorTypeRegistries.flatMap((registry: any) =>
      [...registry.exceptions.entries()].map(([schema, ctor]: [any, any]) => [registry.namespace, schema[2], ctor.name]),
    ).sort((a: string[], b: string[]) => (a.join() < b.join() ? -1 : 1));
  const expected = registered(official);
  expect(expected.length).toBeGreaterThan(40);
  expect(registered(ours)).toEqual(expected);
  for (const [, shape, ctor] of expected) expect(ctor).toBe(shape);
});
