// One small HTTP exchange with a credentials endpoint (instance metadata, the container endpoint), through
// the egress's agent for its URL: so from inside an enclave it goes through the proxy as KMS calls do.
// The answer is bounded (64 KiB) and the whole exchange timed.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AwsCredentialIdentity } from "@smithy/types";
import { CredentialsError } from "../errors.js";
import type { Egress } from "../egress/egress.js";
import { parseCredentialsJson } from "./credential-json.js";

const MAX_BODY_BYTES = 64 * 1024;

export interface MetadataResponse {
  status: number;
  body: string;
}

/** The credentials in a 200 answer's JSON body; a CredentialsError for any other answer. */
export function credentialsFrom(answer: MetadataResponse, what: string): AwsCredentialIdentity {
  if (answer.status !== 200) throw new CredentialsError(`${what}: the credentials request was answered ${answer.status}`);
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    throw new CredentialsError(`${what}: the credentials are not JSON`);
  }
  const credentials = parseCredentialsJson(json);
  if (typeof credentials === "string") throw new CredentialsError(`${what}: malformed credentials (${credentials})`);
  return credentials;
}

export function metadataRequest(
  egress: Egress,
  url: URL,
  init: { method: "GET" | "PUT"; headers: Record<string, string>; timeoutMs: number; what: string },
): Promise<MetadataResponse> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, { method: init.method, headers: init.headers, agent: egress.agentFor(url) });
    const fail = (message: string, cause?: unknown) => {
      request.destroy();
      reject(new CredentialsError(`${init.what}: ${message}`, { cause }));
    };
    const timer = setTimeout(() => fail(`no answer within ${init.timeoutMs} ms (${egress.describe(url)})`), init.timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      fail(`request failed (${egress.describe(url)}): ${error.message}`, error);
    });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          clearTimeout(timer);
          fail(`answer larger than ${MAX_BODY_BYTES} bytes`);
        } else chunks.push(chunk);
      });
      response.on("end", () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      });
      response.on("error", (error) => {
        clearTimeout(timer);
        fail(`answer broke off: ${error.message}`, error);
      });
    });
    request.end();
  });
}
