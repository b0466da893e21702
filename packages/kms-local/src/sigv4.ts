// SigV4 verification of incoming requests. The expected signature is computed by @smithy/signature-v4
// (the signer the AWS SDKs themselves use) over the headers the client says it signed, with the body's
// real SHA-256, and compared in constant time. Refusals are the errors and messages AWS services use.
import * as nodeCrypto from "node:crypto";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import {
  IncompleteSignatureException, InvalidSignatureException, MissingAuthenticationTokenException, UnrecognizedClientException,
} from "./errors.js";
import type { Caller } from "./kms.js";

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  /** Required in requests signed with this credential when set. */
  sessionToken?: string;
  /** The IAM principal this credential stands for, e.g. arn:aws:iam::111122223333:user/alice. */
  principalArn: string;
}

type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Data) =>
  typeof d === "string" ? Buffer.from(d, "utf8") : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);

// node:crypto's one-shot hash (Node >= 20.12) skips the Hash object; older Node 20 falls back to one.
const oneShot = (nodeCrypto as { hash?: (alg: string, data: Buffer, enc: "buffer") => Buffer }).hash;
const sha256 = (data: Buffer): Buffer => (oneShot ? oneShot("sha256", data, "buffer") : createHash("sha256").update(data).digest());

/**
 * SHA-256 and HMAC-SHA-256 from node:crypto, in the Checksum shape the smithy signer expects. Plain
 * hashes collect their input and use node's one-shot hash (cheaper than a Hash object per use).
 */
class NodeSha256 {
  private hmac;
  private parts: Buffer[] = [];
  constructor(private readonly secret?: Data) {
    this.hmac = secret ? createHmac("sha256", bytes(secret)) : undefined;
  }
  update(data: Data) {
    if (this.hmac) this.hmac.update(bytes(data));
    else this.parts.push(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    if (this.hmac) return new Uint8Array(this.hmac.digest());
    const input = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    return new Uint8Array(sha256(input));
  }
  reset() {
    this.hmac = this.secret ? createHmac("sha256", bytes(this.secret)) : undefined;
    this.parts = [];
  }
}

const SKEW_MS = 5 * 60 * 1000;
const AUTH = /^AWS4-HMAC-SHA256 (.*)$/;
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

export class SigV4Verifier {
  private readonly signers = new Map<string, { credential: Credential; signer: RequestSigner }>();

  constructor(
    credentials: Credential[],
    private readonly region: string,
    private readonly now: () => number = Date.now,
  ) {
    for (const credential of credentials) {
      const signer = new SignatureV4({
        credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey, sessionToken: credential.sessionToken },
        region,
        service: "kms",
        sha256: NodeSha256,
        applyChecksum: false,
      }) as unknown as RequestSigner;
      this.signers.set(credential.accessKeyId, { credential, signer });
    }
  }

  /** Returns the caller, or throws the KMS error for the request's authentication failure. */
  async verify(req: SignedRequest): Promise<Caller> {
    const authorization = req.headers.authorization;
    if (typeof authorization !== "string" || authorization.length === 0) {
      throw new MissingAuthenticationTokenException("Missing Authentication Token");
    }
    const m = AUTH.exec(authorization);
    if (!m) throw new IncompleteSignatureException(`Unsupported AWS 'algorithm' or malformed Authorization header: '${authorization.split(" ")[0]}'`);
    const parts = new Map<string, string>();
    for (const part of m[1].split(/,\s*/)) {
      const eq = part.indexOf("=");
      if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const missing = ["Credential", "SignedHeaders", "Signature"].filter((k) => !parts.get(k));
    if (missing.length) {
      throw new IncompleteSignatureException(missing.map((k) => `Authorization header requires '${k}' parameter.`).join(" ") + ` Authorization=${authorization}`);
    }
    const scope = parts.get("Credential")!.split("/");
    if (scope.length !== 5 || scope[4] !== "aws4_request") {
      throw new IncompleteSignatureException(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${parts.get("Credential")}'`);
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

    const signedHeaders = parts.get("SignedHeaders")!.split(";");
    if (!signedHeaders.includes("host")) throw new InvalidSignatureException("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    // The body's hash goes to the signer as a header so that it does not hash again; unless the client
    // signed that header, it stays out of the canonical headers (see unsignableHeaders below).
    const headers: Record<string, string> = { "x-amz-content-sha256": bodyHash };
    for (const name of signedHeaders) {
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
      {
        signingDate,
        signableHeaders: new Set(signedHeaders),
        unsignableHeaders: signedHeaders.includes("x-amz-content-sha256") ? undefined : new Set(["x-amz-content-sha256"]),
      },
    );
    const want = /Signature=([0-9a-f]{64})$/.exec(expected.headers.authorization ?? "")?.[1];
    const got = parts.get("Signature")!;
    if (!want || got.length !== want.length || !timingSafeEqual(Buffer.from(got), Buffer.from(want))) {
      throw new InvalidSignatureException(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      );
    }
    const account = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(entry.credential.principalArn)?.[1] ?? "";
    return { accessKeyId, principalArn: entry.credential.principalArn, account };
  }
}
