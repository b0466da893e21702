// An in-process requestHandler: records each request a client sends and answers with canned bytes,
// so the clients run their whole middleware stack (serde, endpoint, signing, retries) with no network.
import { Readable } from "node:stream";
import type { KmsModule } from "./clients";

export interface CannedResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** What we compare of a request: everything on the wire except what differs by time or by call. */
export interface WireRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: string;
}

// The date and the per-call id differ between any two sends; everything else must match, but for
// - the Authorization header's signature (over the date and the id) and the date in its credential scope
//   (the key id, region, service and signed headers stay);
// - the client version in the user agent (an official build may report a version other than its package's); the
//   rest of it (platform, `m/` feature flags, app id) stays.
const VOLATILE_HEADERS = new Set(["x-amz-date", "amz-sdk-invocation-id"]);
const NORMALISE: Record<string, (value: string) => string> = {
  authorization: (v) => v.replace(/, Signature=[0-9a-f]+$/, "").replace(/\/\d{8}\//, "/<date>/"),
  "user-agent": (v) => v.replace(/(aws-sdk-js\/|api\/kms#)\d+\.\d+\.\d+/g, "$1<version>"),
  "x-amz-user-agent": (v) => v.replace(/(aws-sdk-js\/|api\/kms#)\d+\.\d+\.\d+/g, "$1<version>"),
};

interface RawRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, unknown>;
  headers: Record<string, string>;
  body?: unknown;
}

export function toWire(request: RawRequest): WireRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers)) {
    const name = k.toLowerCase();
    if (!VOLATILE_HEADERS.has(name)) headers[name] = NORMALISE[name]?.(v) ?? v;
  }
  const body =
    request.body === undefined
      ? ""
      : typeof request.body === "string"
        ? request.body
        : new TextDecoder().decode(request.body as Uint8Array);
  return {
    method: request.method,
    protocol: request.protocol,
    hostname: request.hostname,
    port: request.port,
    path: request.path,
    query: request.query ?? {},
    headers,
    body,
  };
}

export class CaptureHandler {
  readonly requests: RawRequest[] = [];
  constructor(private readonly respond: (request: RawRequest, index: number) => CannedResponse) {}

  async handle(request: RawRequest): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Readable } }> {
    this.requests.push(request);
    const r = this.respond(request, this.requests.length - 1);
    return {
      response: {
        statusCode: r.statusCode,
        headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": `req-${this.requests.length}`, ...r.headers },
        body: Readable.from([Buffer.from(r.body, "utf8")]),
      },
    };
  }

  get wire(): WireRequest[] {
    return this.requests.map(toWire);
  }
}

export const ok = (body: unknown = {}): CannedResponse => ({ statusCode: 200, body: JSON.stringify(body) });

export const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

/** A client of `mod` that talks only to `handler`; one attempt, so modelled 5xx errors do not retry. */
export function clientOf(mod: KmsModule, handler: CaptureHandler, config: Record<string, unknown> = {}) {
  return new mod.KMSClient(configFor(handler, config));
}

export function configFor(handler: CaptureHandler, config: Record<string, unknown> = {}) {
  return { region: "us-west-2", credentials: CREDENTIALS, requestHandler: handler, maxAttempts: 1, ...config };
}

/** Clears the AWS_* variables the clients read, so that the host cannot steer a test; returns the undo. */
export function isolateFromAwsEnvironment(): () => void {
  const saved = Object.entries(process.env).filter(([k]) => k.startsWith("AWS_"));
  for (const [k] of saved) delete process.env[k];
  // Nor may a ~/.aws/config (region, endpoint_url, use_fips_endpoint ...).
  process.env.AWS_CONFIG_FILE = "/nonexistent/aws-config";
  process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent/aws-credentials";
  return () => {
    for (const [k] of Object.entries(process.env)) if (k.startsWith("AWS_")) delete process.env[k];
    for (const [k, v] of saved) process.env[k] = v;
  };
}
