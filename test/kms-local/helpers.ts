// Starts a kms-local on loopback and an official AWS SDK KMS client pointed at it.
import { request, type IncomingHttpHeaders } from "node:http";
import { KMSClient } from "official-client-kms";
import { KmsLocal, type KmsLocalOptions } from "@nitro-enclaves-sdk/kms-local";

export const REGION = "us-east-1";
export const CREDENTIALS = { accessKeyId: "kms-local", secretAccessKey: "kms-local" };

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
