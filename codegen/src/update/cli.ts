// The data half of scripts/update-model.sh (which does the installing, building, testing and restoring):
//   plan  <model.json> <version> <oracle package.json>   print what the update would change; writes nothing
//   apply <model.json> <version> <oracle package.json>   write the new config and move the oracle alias
//   out-dir                                              print the generated package's folder
// Paths print relative to the working directory. Exit 1 on a refused model, version or file, 2 on usage.
import { relative } from "node:path";
import { loadConfig, writeConfig } from "../config";
import { CodegenError } from "../errors";
import { moveOracle, oracleVersion } from "./oracle";
import { formatPlan, planUpdate } from "./plan";

const USAGE =
  "usage: node codegen/bin/update-model.mjs plan|apply <model.json> <version> <oracle package.json>\n" +
  "       node codegen/bin/update-model.mjs out-dir\n";

export function main(argv: string[]): number {
  const [command, ...args] = argv;
  const usage = () => (process.stderr.write(USAGE), 2);
  try {
    const config = loadConfig();
    if (command === "out-dir" && args.length === 0) {
      process.stdout.write(relative(process.cwd(), config.outDir) + "\n");
      return 0;
    }
    if ((command !== "plan" && command !== "apply") || args.length !== 3) return usage();
    const [model, version, oracle] = args as [string, string, string];
    const from = oracleVersion(oracle);
    const plan = planUpdate(config, model, version);
    if (command === "plan") {
      process.stdout.write(formatPlan(config, plan, from, process.cwd()));
    } else {
      writeConfig(plan.config);
      moveOracle(oracle, version);
    }
    return 0;
  } catch (err) {
    if (err instanceof CodegenError) {
      process.stderr.write(`update-model: ${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
