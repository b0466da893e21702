#!/usr/bin/env node
// Entry point of the data steps of scripts/update-model.sh (see src/update/cli.ts).
import { requireTs } from "./load-ts.mjs";

const { main } = requireTs("../src/update/cli.ts");
process.exitCode = main(process.argv.slice(2));
