// Starts a kms-local on loopback (in this process, or as the `kms-local` command) and an official AWS SDK
// KMS client pointed at it.
import { spawn, type ChildProcess } from "node:child_process";
import { request, type IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import { KMSClient } from "official-client-kms";
import { KmsLocal, type KmsLocalOptions } from "@nitro-enclaves-sdk/kms-local";

export const REGION = "us-east-1";
export const CREDENTIALS = { accessKeyId: "kms-local", secretAccessKey: "kms-local" };

/**
 * A credential that acts as a session of an IAM role, as an instance role or `sts:AssumeRole` gives one: its
 * identity is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (a role itself never signs a request), and it
 * carries a session token. `keys` is what a client signs with.
 */
export function roleSession(name: string, roleArn: string, session = "i-0123456789abcdef0") {
  const m = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.+\/)?([^/]+)$/.exec(roleArn);
  if (!m) throw new Error(`not a role ARN: ${roleArn}`);
  const keys = { accessKeyId: `ASIA${name.toUpperCase()}`, secretAccessKey: `${name}-secret`, sessionToken: `${name}-session-token` };
  return { keys, credential: { ...keys, arn: `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/${session}` } };
}

export function officialClient(endpoint: string, extra: Partial<ConstructorParameters<typeof KMSClient>[0]> = {}) {
  return new KMSClient({ endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1, ...extra });
}

export async function startKmsLocal(options: KmsLocalOptions = {}) {
  const local = await KmsLocal.start(options);
  const client = officialClient(local.endpoint);
  return {
    local,
    client,
    close: async () => {
      client.destroy();
      await local.close();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown> | undefined;
}

/** A raw loopback HTTP request to kms-local, bypassing any SDK (headers exactly as given, Host included). */
export function rawRequest(endpoint: string, init: { headers?: Record<string, string>; body?: string | Buffer; method?: string; path?: string }): Promise<RawResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: init.method ?? "POST", path: init.path ?? "/", headers: init.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

/** The HTTP request the official SDK would send for a command, signed, without sending it. */
export async function signedBy(endpoint: string, command: object, extra: Partial<ConstructorParameters<typeof KMSClient>[0]> = {}) {
  let captured: { headers: Record<string, string>; body: string } | undefined;
  const client = officialClient(endpoint, {
    ...extra,
    requestHandler: {
      handle: async (req: { headers: Record<string, string>; body: string | Uint8Array }) => {
        const body = req.body ?? "";
        captured = { headers: { ...req.headers }, body: typeof body === "string" ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8") };
        throw new Error("captured");
      },
    } as never,
  });
  await client.send(command as never).catch(() => undefined);
  client.destroy();
  if (!captured) throw new Error("the SDK did not produce a request");
  return captured;
}

const bin = join(__dirname, "..", "..", "packages", "kms-local", "bin", "kms-local.js");

/**
 * Runs the `kms-local` command with `args` (on a free port): resolves once it listens, or once it exits
 * without listening (with its exit code and stderr).
 */
export function spawnKmsLocal(args: string[]): Promise<{ child: ChildProcess; endpoint: string } | { exitCode: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`kms-local neither started nor exited within 30 s: ${err}`));
    }, 30_000);
    child.stderr!.on("data", (d) => (err += d));
    child.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stderr: err });
    });
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve({ child, endpoint: m[1] });
      }
    });
  });
}

/** Kills a process with SIGKILL and waits until it is gone. */
export const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
