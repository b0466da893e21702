// The HTTP front end: KMS's AWS JSON 1.1 protocol on POST /. Every request is size-limited, SigV4-checked,
// dispatched on X-Amz-Target "TrentService.<Operation>", and answered with a JSON body, an
// x-amzn-RequestId and a Date header (Node's own; the AWS SDKs correct their clock from it). Errors are
// {"__type", "message"} as KMS writes them ("Message" for AccessDeniedException); anything unexpected is
// a KMSInternalException whose detail stays in the log. Requests that HTTP itself refuses get their
// status before the connection closes: 431 for headers over Node's limit, 400 for anything malformed.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { createSecureContext, TLSSocket } from "node:tls";
import type { AddressInfo, Socket } from "node:net";
import { nsmAttestationVerifier, type TrustedRoot } from "./attestation.js";
import type { Credential } from "./caller.js";
import {
  KmsError, KmsLocalConfigError, KMSInternalException, SerializationException, UnknownOperationException,
  UnsupportedOperationException,
} from "./errors.js";
import { FileStore } from "./file-store.js";
import { Input } from "./input.js";
import { Kms } from "./kms.js";
import { KMS_OPERATIONS, OPERATIONS, run } from "./operations/index.js";
import { RecipientVerifier, type AttestationVerifier } from "./recipient.js";
import { SigV4Verifier } from "./sigv4.js";
import { Store } from "./store.js";

export const DEFAULT_ACCOUNT = "111122223333";
export const DEFAULT_REGION = "us-east-1";
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface KmsLocalOptions {
  /** Address to listen on; loopback by default. */
  host?: string;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  region?: string;
  account?: string;
  /** Who may call, and as which identity. Default: one credential kms-local / kms-local, an IAM user. */
  credentials?: Credential[];
  /** Roots that attestation documents in Recipient may chain to (DER or PEM), e.g. the simulated NSM's. */
  trustedRoots?: TrustedRoot[];
  /** Also trust the AWS Nitro Enclaves root G1 (default true). */
  trustAwsRoot?: boolean;
  /** Replace the nsm package's verifier (tests, other TEEs). */
  verifyAttestation?: AttestationVerifier;
  /** Persist keys and aliases here; in memory only when absent. */
  dataDir?: string;
  /** Master key file for key material at rest; default <dataDir>/master.key. */
  masterKeyFile?: string;
  maxBodyBytes?: number;
  /** Called with one line per request and with internal errors (which go to stderr when this is not set). */
  log?: (line: string) => void;
  /** Serve HTTPS with this certificate (chain) and private key, PEM; plain HTTP when absent. */
  tls?: KmsLocalTlsOptions;
}

export interface KmsLocalTlsOptions {
  /** The server's certificate, PEM (intermediates may follow it). */
  cert: string | Uint8Array;
  /** Its private key, PEM. */
  key: string | Uint8Array;
}

export const defaultCredential = (account = DEFAULT_ACCOUNT): Credential => ({
  accessKeyId: "kms-local",
  secretAccessKey: "kms-local",
  arn: `arn:aws:iam::${account}:user/kms-local`,
});

/** An option as the caller set it on the object itself (an inherited property, e.g. on Object.prototype, is not an option). */
function own<K extends keyof KmsLocalOptions>(options: KmsLocalOptions, name: K): KmsLocalOptions[K] | undefined {
  return Object.prototype.hasOwnProperty.call(options, name) ? options[name] : undefined;
}

/** The `tls` option's own cert and key, checked by building a TLS context from them (a mismatched pair fails here). */
function checkTlsOptions(tls: unknown): { cert: string; key: string } | undefined {
  if (tls === undefined) return undefined;
  const field = (name: string) => (typeof tls === "object" && tls !== null && Object.hasOwn(tls, name) ? (tls as Record<string, unknown>)[name] : undefined);
  const cert = field("cert");
  const key = field("key");
  const isPem = (v: unknown): v is string | Uint8Array => (typeof v === "string" && v.length > 0) || (v instanceof Uint8Array && v.length > 0);
  if (!isPem(cert) || !isPem(key)) throw new KmsLocalConfigError("tls must be { cert, key }, each a PEM string or bytes");
  const pem = { cert: toPem(cert), key: toPem(key) };
  try {
    createSecureContext(pem);
  } catch (cause) {
    throw new KmsLocalConfigError(`cannot serve TLS with this certificate and key: ${(cause as Error).message}`, { cause });
  }
  return pem;
}
const toPem = (v: string | Uint8Array) => (typeof v === "string" ? v : Buffer.from(v).toString("latin1"));

/** The client's address as aws:SourceIp gives it (an IPv4 client of a dual-stack socket without its ::ffff: prefix). */
const sourceIpOf = (socket: Socket) => (socket.remoteAddress ?? "").replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");

const JSON_TYPE = "application/x-amz-json-1.1";
const JSON_CONTENT = /^application\/(x-amz-)?json/;
const TARGET = /^TrentService\.(\w+)$/;

export class KmsLocal {
  private constructor(
    readonly kms: Kms,
    private readonly server: Server,
    private readonly signatures: SigV4Verifier,
    private readonly maxBodyBytes: number,
    private readonly log: ((line: string) => void) | undefined,
    private readonly scheme: "http" | "https",
  ) {}

  static async start(options: KmsLocalOptions = {}): Promise<KmsLocal> {
    if (options === null || typeof options !== "object") throw new KmsLocalConfigError("options must be an object");
    const region = own(options, "region") ?? DEFAULT_REGION;
    const account = own(options, "account") ?? DEFAULT_ACCOUNT;
    const maxBodyBytes = own(options, "maxBodyBytes") ?? DEFAULT_MAX_BODY_BYTES;
    // NaN, say, would make every comparison with it false: no body would ever be too large.
    if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) throw new KmsLocalConfigError(`maxBodyBytes must be a positive integer, got ${String(maxBodyBytes)}`);
    const credentials = own(options, "credentials") ?? [defaultCredential(account)];
    if (!Array.isArray(credentials) || credentials.length === 0) throw new KmsLocalConfigError("credentials must be a non-empty array");
    const signatures = new SigV4Verifier(credentials, region);
    const log = own(options, "log");
    const tls = checkTlsOptions(own(options, "tls"));
    const dataDir = own(options, "dataDir");
    const persistence = dataDir !== undefined ? await FileStore.open(dataDir, own(options, "masterKeyFile")) : null;
    let store: Store | undefined;
    try {
      store = await Store.open(persistence);
      const verify = own(options, "verifyAttestation") ?? nsmAttestationVerifier(own(options, "trustedRoots") ?? [], own(options, "trustAwsRoot") ?? true);
      const kms = new Kms({ region, account }, store, new RecipientVerifier(verify));
      kms.keyIds(); // deletes keys whose scheduled deletion date passed while kms-local was not running
      const serverOptions = { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 };
      const server: Server = tls ? createTlsServer({ ...serverOptions, ...tls }) : createServer(serverOptions);
      const local = new KmsLocal(kms, server, signatures, maxBodyBytes, log, tls ? "https" : "http");
      server.on("request", (req, res) => local.receive(req, res));
      server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => refuse(err, socket));
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(own(options, "port") ?? 0, own(options, "host") ?? "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      });
      return local;
    } catch (e) {
      // Give the data directory back (its lock) when starting fails, e.g. on a port in use.
      await (store ? store.close() : persistence?.close());
      throw e;
    }
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  get host(): string {
    return (this.server.address() as AddressInfo).address;
  }
  /** The endpoint to give a KMS client, e.g. http://127.0.0.1:4000 (https:// when serving TLS). */
  get endpoint(): string {
    const host = this.host.includes(":") ? `[${this.host}]` : this.host;
    return `${this.scheme}://${host}:${this.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.kms.store.close();
  }

  /**
   * Reads the body up to the limit, then handles the request; a body over the limit is answered at once
   * (and the connection closed after it).
   */
  private receive(req: IncomingMessage, res: ServerResponse) {
    const requestId = randomUUID();
    const receivedAt = new Date();
    const limit = this.maxBodyBytes;
    const tooLarge = () => {
      res.setHeader("Connection", "close");
      this.send(res, requestId, new SerializationException(`The request body is larger than the ${limit}-byte limit.`));
      req.resume(); // drain (discarding) so the client can read the answer; the connection closes after it
    };
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      void this.handle(req, res, requestId, Buffer.concat(chunks, size), receivedAt);
    });
    req.on("error", () => {
      done = true;
    });
  }

  private send(res: ServerResponse, requestId: string, result: Record<string, unknown> | KmsError) {
    if (res.headersSent || res.destroyed) return;
    let status = 200;
    let body: string;
    if (result instanceof KmsError) {
      status = result.status;
      const messageKey = result.code === "AccessDeniedException" ? "Message" : "message";
      body = JSON.stringify({ __type: result.code, [messageKey]: result.message });
    } else {
      body = JSON.stringify(result);
    }
    res.writeHead(status, ["Content-Type", JSON_TYPE, "Content-Length", String(Buffer.byteLength(body)), "x-amzn-RequestId", requestId]);
    res.end(body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse, requestId: string, body: Buffer, receivedAt: Date) {
    const started = this.log ? process.hrtime.bigint() : 0n;
    let operation = "-";
    let outcome: Record<string, unknown> | KmsError;
    try {
      const target = req.headers["x-amz-target"];
      const url = req.url ?? "/";
      if (req.method !== "POST" || (url !== "/" && url.split("?")[0] !== "/")) {
        throw new UnsupportedOperationException("kms-local answers only POST / in the AWS JSON 1.1 protocol.");
      }
      const contentType = req.headers["content-type"];
      if (contentType !== undefined && !JSON_CONTENT.test(contentType)) {
        throw new SerializationException(`Unsupported Content-Type '${contentType}': use ${JSON_TYPE}.`);
      }
      const caller = await this.signatures.verify({ method: req.method, url, headers: req.headers, body });
      const m = typeof target === "string" ? TARGET.exec(target) : null;
      operation = m?.[1] ?? String(target ?? "-");
      if (!m || !KMS_OPERATIONS.has(m[1])) throw new UnknownOperationException(`Unknown operation ${operation}`);
      const spec = OPERATIONS.get(m[1]);
      if (!spec) throw new UnsupportedOperationException(`Operation ${operation} is not supported by kms-local.`);
      outcome = await run(spec, this.kms, Input.parse(body), { caller, sourceIp: sourceIpOf(req.socket), receivedAt, secureTransport: req.socket instanceof TLSSocket });
    } catch (e) {
      if (e instanceof KmsError) outcome = e;
      else {
        // A bug in kms-local: always reported (to stderr when no log is configured), never to the client.
        const line = `internal error in ${operation} (request ${requestId}): ${(e as Error)?.stack ?? String(e)}`;
        if (this.log) this.log(line);
        else process.stderr.write(`kms-local: ${line}\n`);
        outcome = new KMSInternalException("An internal error occurred in kms-local.");
      }
    }
    this.send(res, requestId, outcome);
    if (this.log) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.log(`${operation} ${outcome instanceof KmsError ? outcome.code : "OK"} ${ms.toFixed(1)}ms ${requestId}`);
    }
  }
}

const REFUSALS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: "431 Request Header Fields Too Large",
  ERR_HTTP_REQUEST_TIMEOUT: "408 Request Timeout",
};

/** Answers what Node's HTTP parser refused with a status, and closes the connection. */
function refuse(err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = REFUSALS[err.code ?? ""] ?? "400 Bad Request";
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
