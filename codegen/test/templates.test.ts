// The fixed text of generated files comes from codegen/templates: placeholders are filled exactly, and a
// template and its emitter that disagree on a placeholder stop the generator instead of writing "{{...}}".
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fillTemplate, TEMPLATES } from "../src/emit/template";

it("fills every placeholder, leaving the rest of the text as it is", () => {
  const text = fillTemplate("src/pagination/Interfaces.ts", { Client: "Widgets" });
  expect(text).toBe(readFileSync(join(TEMPLATES, "src/pagination/Interfaces.ts.tmpl"), "utf8").replace(/\{\{Client\}\}/g, "Widgets"));
  expect(text).toContain("export interface WidgetsPaginationConfiguration extends PaginationConfiguration {");
});

it("inserts values verbatim: a value that looks like a placeholder or a replacement pattern stays as it is", () => {
  expect(fillTemplate("src/index.ts", { Client: "{{Client}}$&" })).toContain('export * from "./{{Client}}$&Client.js";');
});

it("refuses a placeholder without a value, and a value without a placeholder", () => {
  expect(() => fillTemplate("src/index.ts", {})).toThrow("template src/index.ts: no value for {{Client}}");
  expect(() => fillTemplate("src/index.ts", { Client: "KMS", extra: "x" })).toThrow("template src/index.ts: no placeholder for extra");
});

it("every placeholder in a template is a plain name", () => {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
  const templates = walk(TEMPLATES).filter((f) => f.endsWith(".tmpl"));
  expect(templates.length).toBeGreaterThan(10);
  for (const file of templates) {
    const braces = readFileSync(file, "utf8").match(/\{\{[^}]*\}\}/g) ?? [];
    expect([relative(TEMPLATES, file), braces.filter((b) => !/^\{\{[A-Za-z][A-Za-z0-9]*\}\}$/.test(b))]).toEqual([relative(TEMPLATES, file), []]);
  }
});
