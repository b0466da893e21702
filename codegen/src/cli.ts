// Command line: generate [--config <file>] [<model.json> <outDir>]. Without a model and an output folder it
// generates the config's model into the config's outDir (`pnpm codegen`); the package's name and version
// always come from the config. Prints one line on success, the error on failure.
import { CONFIG_FILE, loadConfig } from "./config";
import { CodegenError } from "./errors";
import { generate } from "./pipeline";

const USAGE = "usage: node codegen/bin/generate.mjs [--config <codegen/config.json>] [<model.json> <outDir>]\n";

export function main(argv: string[]): number {
  const args = [...argv];
  let configFile = CONFIG_FILE;
  if (args[0] === "--config" && args.length >= 2) {
    configFile = args[1]!;
    args.splice(0, 2);
  }
  if ((args.length !== 0 && args.length !== 2) || args.some((a) => a.startsWith("-"))) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    const config = loadConfig(configFile);
    const [modelPath, outDir] = args.length === 2 ? (args as [string, string]) : [config.model, config.outDir];
    const result = generate(modelPath, outDir, config.package);
    process.stdout.write(
      `generated ${result.files} files (${result.operations} operations) from ${modelPath} into ${outDir}` +
        (result.applied.length ? ` [transforms that changed the model: ${result.applied.join(", ")}]` : "") +
        "\n",
    );
    return 0;
  } catch (err) {
    if (err instanceof CodegenError) {
      process.stderr.write(`codegen: ${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
