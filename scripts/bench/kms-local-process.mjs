// The `kms-local` command as a benchmark's server: its own process on a loopback port chosen by the OS,
// trusting `trustRoot` (a PEM file) and accepting `credentials`. Resolves with the child and its endpoint once
// it says it is listening; a server that exits before that rejects.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

export function startKmsLocalProcess(trustRoot, credentials) {
  const child = spawn(process.execPath, [join(root, "packages/kms-local/bin/kms-local.js"), "--port", "0", "--trust-root", trustRoot,
    "--credential", `${credentials.accessKeyId}:${credentials.secretAccessKey}`], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`kms-local exited (${code})`)));
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, endpoint: m[1] });
    });
  });
}
