// Shared by the swap-in tests: run the fixture's probe (a user's program, test/fixtures/swap-in/probe.cjs)
// in a project folder and check that every way it reaches @aws-sdk/client-kms lands on our package.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { OURS_PACKAGE } from "./clients";

export const FIXTURE = join(__dirname, "../fixtures/swap-in");
/** The files that make a throwaway project the same user program as the workspace fixture. */
export const FIXTURE_FILES = ["probe.cjs", "app.mts", "tsconfig.json"];

/** Runs a command without blocking this process (whose event loop may be serving a local registry). */
export function run(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<string> {
  // pnpm's bin shims set NODE_PATH to the workspace's store: a project must resolve only through its own node_modules.
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: undefined, ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: childEnv, timeout: 120_000 });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} failed (${code}):\n${out}\n${err}`))));
  });
}

export interface ProbeReport {
  direct: { name: string; version: string; dir: string };
  viaKeyring: { name: string; version: string; dir: string };
  sameKmsClass: boolean;
  esm: { name: string; version: string; dir: string; hasKMSClient: boolean };
  keyring: Record<string, unknown>;
  officialAlias?: { name: string; version: string; dir: string };
}

export async function probe(projectDir: string): Promise<ProbeReport> {
  return JSON.parse(await run(process.execPath, ["--no-warnings", "probe.cjs"], projectDir));
}

/**
 * Compiles the fixture's app (tsc, strict, NodeNext) in `projectDir` against whatever @aws-sdk/client-kms
 * resolves to there; resolves with tsc's output, rejects with it on any type error.
 */
export function typecheckApp(projectDir: string): Promise<string> {
  return run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(projectDir, "tsconfig.json")], projectDir);
}

export function expectOursEverywhere(report: ProbeReport, version: string, dir?: string) {
  expect(report.direct).toMatchObject({ name: OURS_PACKAGE, version, ...(dir ? { dir } : {}) });
  expect(report.viaKeyring).toMatchObject({ name: OURS_PACKAGE, version });
  expect(report.viaKeyring.dir).toBe(report.direct.dir);
  // kms-keyring-node re-exports the KMS class it imported: the very class the program gets.
  expect(report.sameKmsClass).toBe(true);
  expect(report.esm).toMatchObject({ name: OURS_PACKAGE, version, dir: report.direct.dir, hasKMSClient: true });
  // And kms-keyring-node really generated a data key through our client.
  expect(report.keyring).toEqual({
    requests: 1,
    target: "TrentService.GenerateDataKey",
    host: "kms.us-west-2.amazonaws.com",
    body: { KeyId: "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", NumberOfBytes: 32, EncryptionContext: { purpose: "swap-in" } },
    hasDataKey: true,
    encryptedDataKeys: 1,
  });
}
