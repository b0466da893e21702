// SigV4 verification of incoming requests. The expected signature is computed by @smithy/signature-v4
// (the signer the AWS SDKs themselves use) over the headers the client says it signed, with the body's
// real SHA-256, and compared in constant time. Refusals are the errors and messages AWS services use.
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import { checkCredential, type Caller, type Credential } from "./caller.js";
import {
  IncompleteSignatureException, InvalidSignatureException, KmsLocalConfigError, MissingAuthenticationTokenException,
  UnrecognizedClientException,
} from "./errors.js";

type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Data) =>
  typeof d === "string" ? Buffer.from(d, "utf8") : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);

const sha256 = (data: Buffer): Buffer => createHash("sha256").update(data).digest();

/** SHA-256, or HMAC-SHA-256 when given a secret, from node:crypto in the Checksum shape the smithy signer expects. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: Data) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(this.secret));
  }
  update(data: Data) {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }
  reset() {
    this.hash = this.fresh();
  }
}

const SKEW_MS = 5 * 60 * 1000;
const amzDate = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

function parseAmzDate(v: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? null : d;
}

interface SignedRequest {
  method: string;
  /** Path with query string, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type RequestSigner = { sign(request: object, options: object): Promise<{ headers: Record<string, string> }> };

interface Signer {
  credential: Credential;
  signer: RequestSigner;
  caller: Caller;
}

/** The three Authorization parameters, or the names of those that are missing. */
function authorizationParts(params: string): { credential?: string; signedHeaders?: string; signature?: string } {
  const out: { credential?: string; signedHeaders?: string; signature?: string } = {};
  for (const part of params.split(SEPARATOR)) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === "Credential") out.credential = value;
    else if (name === "SignedHeaders") out.signedHeaders = value;
    else if (name === "Signature") out.signature = value;
  }
  return out;
}
const SEPARATOR = /,\s*/;
const SIGNATURE_IN_HEADER = /Signature=([0-9a-f]{64})$/;
const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

export class SigV4Verifier {
  private readonly signers = new Map<string, Signer>();

  constructor(
    credentials: readonly unknown[],
    private readonly region: string,
    private readonly now: () => number = Date.now,
  ) {
    for (const given of credentials) {
      const { credential, caller } = checkCredential(given);
      if (this.signers.has(credential.accessKeyId)) throw new KmsLocalConfigError(`the access key ${credential.accessKeyId} is given twice`);
      const signer = new SignatureV4({
        credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey, sessionToken: credential.sessionToken },
        region,
        service: "kms",
        sha256: NodeSha256,
        applyChecksum: false,
      }) as unknown as RequestSigner;
      this.signers.set(credential.accessKeyId, { credential, signer, caller });
    }
  }

  /** Returns the caller, or throws the KMS error for the request's authentication failure. */
  async verify(req: SignedRequest): Promise<Caller> {
    const authorization = req.headers.authorization;
    if (typeof authorization !== "string" || authorization.length === 0) {
      throw new MissingAuthenticationTokenException("Missing Authentication Token");
    }
    if (!authorization.startsWith("AWS4-HMAC-SHA256 ")) {
      throw new IncompleteSignatureException(`Unsupported AWS 'algorithm' or malformed Authorization header: '${authorization.split(" ")[0]}'`);
    }
    const { credential, signedHeaders, signature } = authorizationParts(authorization.slice(17));
    if (!credential || !signedHeaders || !signature) {
      const missing = [["Credential", credential], ["SignedHeaders", signedHeaders], ["Signature", signature]].filter(([, v]) => !v);
      throw new IncompleteSignatureException(missing.map(([k]) => `Authorization header requires '${k}' parameter.`).join(" ") + ` Authorization=${authorization}`);
    }
    const scope = credential.split("/");
    if (scope.length !== 5 || scope[4] !== "aws4_request") {
      throw new IncompleteSignatureException(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`);
    }
    const [accessKeyId, scopeDate, scopeRegion, scopeService] = scope;
    const entry = this.signers.get(accessKeyId);
    if (!entry) throw new UnrecognizedClientException("The security token included in the request is invalid.");

    const dateHeader = req.headers["x-amz-date"];
    const signingDate = typeof dateHeader === "string" ? parseAmzDate(dateHeader) : null;
    if (!signingDate) {
      throw new IncompleteSignatureException("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }
    const now = this.now();
    if (signingDate.getTime() < now - SKEW_MS) {
      const n = amzDate(new Date(now));
      throw new InvalidSignatureException(`Signature expired: ${dateHeader} is now earlier than ${amzDate(new Date(now - SKEW_MS))} (${n} - 5 min.)`);
    }
    if (signingDate.getTime() > now + SKEW_MS) {
      const n = amzDate(new Date(now));
      throw new InvalidSignatureException(`Signature not yet current: ${dateHeader} is still later than ${amzDate(new Date(now + SKEW_MS))} (${n} + 5 min.)`);
    }
    if (scopeDate !== (dateHeader as string).slice(0, 8)) {
      throw new InvalidSignatureException(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${(dateHeader as string).slice(0, 8)}', from '${dateHeader}'.`);
    }
    if (scopeService !== "kms") throw new InvalidSignatureException("Credential should be scoped to correct service: 'kms'. ");
    if (scopeRegion !== this.region) {
      throw new InvalidSignatureException(`Credential should be scoped to a valid region. This kms-local serves '${this.region}'.`);
    }
    const token = req.headers["x-amz-security-token"];
    if ((entry.credential.sessionToken ?? undefined) !== (typeof token === "string" ? token : undefined)) {
      throw new UnrecognizedClientException("The security token included in the request is invalid.");
    }

    const bodyHash = sha256(req.body).toString("hex");
    const claimedHash = req.headers["x-amz-content-sha256"];
    if (claimedHash !== undefined && claimedHash !== bodyHash) {
      throw new InvalidSignatureException("The provided 'x-amz-content-sha256' header does not match what was computed.");
    }

    const names = signedHeaders.split(";");
    const signable = new Set(names);
    // The body's hash goes to the signer as a header so that it does not hash again; unless the client
    // signed that header, it stays out of the canonical headers.
    const unsignable = signable.has("x-amz-content-sha256") ? undefined : new Set(["x-amz-content-sha256"]);
    if (!signable.has("host")) throw new InvalidSignatureException("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    const headers: Record<string, string> = { "x-amz-content-sha256": bodyHash };
    for (const name of names) {
      const v = req.headers[name];
      if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(",") : v;
    }
    const q = req.url.indexOf("?");
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const query: Record<string, string | string[]> = {};
    if (q >= 0) {
      for (const [k, v] of new URLSearchParams(req.url.slice(q + 1))) {
        const prev = query[k];
        query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
    }
    const expected = await entry.signer.sign(
      { method: req.method, protocol: "http:", hostname: String(headers.host ?? ""), path, query, headers, body: req.body },
      { signingDate, signableHeaders: signable, unsignableHeaders: unsignable },
    );
    const want = SIGNATURE_IN_HEADER.exec(expected.headers.authorization ?? "")?.[1];
    if (!want || signature.length !== want.length || !timingSafeEqual(Buffer.from(signature, "latin1"), Buffer.from(want, "latin1"))) {
      throw new InvalidSignatureException(MISMATCH);
    }
    return entry.caller;
  }
}
