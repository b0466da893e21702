// The example enclave app (examples/enclave-app, built) started as a user starts it: `node dist/main.js`
// in a process of its own, configured by nothing but the environment given here (none of the test's).
// ENCLAVE_APP_MAIN and ENCLAVE_APP_NODE point the tests at another copy of the app and another node, such
// as the production install the Dockerfile makes (see the example's README).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const APP_MAIN = process.env.ENCLAVE_APP_MAIN || join(__dirname, "../../examples/enclave-app/dist/main.js");
const NODE = process.env.ENCLAVE_APP_NODE || process.execPath;

export interface AppProcess {
  child: ChildProcess;
  /** The API's URL, once it serves; undefined if it exited first. */
  url: string | undefined;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Starts the app and resolves once it printed its "listening" line, or exited. */
export async function startApp(env: Record<string, string>, options: { stdin?: string } = {}): Promise<AppProcess> {
  if (!existsSync(APP_MAIN)) throw new Error(`${APP_MAIN} does not exist: run \`pnpm build\``);
  const child = spawn(NODE, [APP_MAIN], { env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => void (out += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => void (err += d.toString("utf8")));
  if (options.stdin !== undefined) child.stdin!.write(options.stdin);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string | undefined>((resolve) => {
    const look = () => {
      const m = /^enclave-app listening on (http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on("data", look);
    void exited.then(() => resolve(undefined));
  });
  return { child, url, stdout: () => out, stderr: () => err, exited };
}

/** Sends SIGTERM and resolves with the exit code. */
export async function stopApp(app: AppProcess): Promise<number | null> {
  app.child.kill("SIGTERM");
  return app.exited;
}
