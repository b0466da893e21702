// Command line: generate <model.json> <outDir>. Prints one line on success, the error on failure.
import { generate } from "./pipeline";
import { CodegenError } from "./errors";

export function main(argv: string[]): number {
  if (argv.length !== 2 || argv.some((a) => a.startsWith("-"))) {
    process.stderr.write("usage: node codegen/bin/generate.mjs <model.json> <outDir>\n");
    return 2;
  }
  const [modelPath, outDir] = argv as [string, string];
  try {
    const result = generate(modelPath, outDir);
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
