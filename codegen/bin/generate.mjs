#!/usr/bin/env node
// Entry point: `node codegen/bin/generate.mjs [--config <file>] [<model.json> <outDir>]` (see src/cli.ts).
import { requireTs } from "./load-ts.mjs";

const { main } = requireTs("../src/cli.ts");
process.exitCode = main(process.argv.slice(2));
