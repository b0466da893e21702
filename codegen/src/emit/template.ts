// The fixed text of the files the generator writes lives in codegen/templates/, laid out as in the package.
// A `.tmpl` file holds {{name}} placeholders that the emitter fills in; any other file is written as it is.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "./context";
import { banner } from "./text";

export const TEMPLATES = join(__dirname, "..", "..", "templates");

const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;

/** A template file as it is (no placeholders), e.g. "LICENSE". */
export function staticFile(path: string): string {
  return readFileSync(join(TEMPLATES, path), "utf8");
}

/**
 * `<path>.tmpl` with every {{name}} replaced by values[name]. A placeholder without a value, or a value
 * the template does not use, is a generator bug and throws.
 */
export function fillTemplate(path: string, values: Record<string, string>): string {
  const text = readFileSync(join(TEMPLATES, `${path}.tmpl`), "utf8");
  const used = new Set<string>();
  const out = text.replace(PLACEHOLDER, (_, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, name)) throw new Error(`template ${path}: no value for {{${name}}}`);
    used.add(name);
    return values[name]!;
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length) throw new Error(`template ${path}: no placeholder for ${unused.join(", ")}`);
  return out;
}

/** A generated source file: the banner, then `<template>.tmpl` filled in; written at `path` (default: the template's). */
export function sourceFromTemplate(ctx: Context, template: string, values: Record<string, string>, path: string = template): [string, string] {
  return [path, banner(ctx) + fillTemplate(template, values)];
}
