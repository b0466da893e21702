// Running nitro-kms in this process (through its main(), from source) or as users run it (the built bin,
// spawned), and enclave images for the tests: simulated NSMs with chosen PCRs, and their measurements
// written as `nitro-cli build-enclave` prints them.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "@nitro-enclaves-sdk/cli";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function nitroKms(...argv: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

export const BIN = join(__dirname, "../../packages/cli/bin/nitro-kms.js");

/** The built nitro-kms, spawned (needs `pnpm build`; pnpm test runs it). */
export function spawnNitroKms(argv: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: "utf8", env: options.env ?? process.env, timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The built nitro-kms, spawned without blocking this process (for servers that run in it, such as kms-local);
 * `input` is written to its stdin, which is then closed.
 */
export function runNitroKms(argv: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** A SHA-384 value (96 hex digits) standing for a measurement. */
export const measurement = (what: string) => createHash("sha384").update(what).digest("hex");

/** PCR0-2 of an image build. */
export const imagePcrs = (name: string) => ({ 0: measurement(`${name} image`), 1: measurement(`${name} kernel`), 2: measurement(`${name} application`) });

/** Writes measurements as `nitro-cli build-enclave` prints them; returns the file's path. */
export function writeNitroCliMeasurements(dir: string, name: string, pcrs: Record<number, string>): string {
  const measurements: Record<string, string> = { HashAlgorithm: "Sha384 { ... }" };
  for (const [i, v] of Object.entries(pcrs)) measurements[`PCR${i}`] = v;
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ Measurements: measurements }, null, 2)}\n`);
  return file;
}
