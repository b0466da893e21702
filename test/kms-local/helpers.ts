// Starts a kms-local on loopback and an official AWS SDK KMS client pointed at it.
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

/** Raw loopback request to kms-local, bypassing any SDK (for malformed-input tests). */
export async function rawRequest(endpoint: string, init: { headers?: Record<string, string>; body?: string | Buffer; method?: string }) {
  const res = await fetch(endpoint + "/", { method: init.method ?? "POST", headers: init.headers, body: init.body });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
