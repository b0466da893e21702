// Every condition key kms-local gives a key policy, in one place. Keys are looked up by their lower-cased
// name, as IAM compares condition key names without regard to case; a key this file does not name, or
// one the request does not carry, is absent (undefined), as IAM treats unknown keys.
//
//   aws:PrincipalArn        the user or root ARN, or the role's ARN for an assumed-role session
//   aws:PrincipalAccount    the caller's account (kms:CallerAccount too)
//   aws:SecureTransport     "true" for a request over TLS, "false" otherwise
//   aws:RequestedRegion     the region kms-local serves
//   aws:SourceIp            the client's IP address
//   aws:CurrentTime         the time the request arrived, ISO 8601 (2026-01-31T12:00:00Z)
//   aws:EpochTime           the same, in whole seconds since 1970
//   kms:KeySpec, kms:KeyUsage                 of the KMS key the action is authorized on
//   kms:EncryptionAlgorithm                   the algorithm of an encrypting or decrypting operation
//   kms:EncryptionContextKeys, kms:EncryptionContext:<key>   the request's encryption context
//   kms:RecipientAttestation:ImageSha384, kms:RecipientAttestation:PCR<n>   PCRs of the Recipient's
//                                             verified attestation document (ImageSha384 = PCR0), lower-case hex
import type { Caller } from "./caller.js";
import type { KeySpec, KeyUsage } from "./key-specs.js";
import type { ConditionContext } from "./policy.js";

/** What is known about a request before any operation runs. */
export interface RequestFacts {
  caller: Caller;
  /** The client's address; absent where there is none (an offline policy simulation). */
  sourceIp?: string;
  receivedAt: Date;
  /** Whether the request came over TLS (aws:SecureTransport). */
  secureTransport: boolean;
}

/** The request members an operation feeds into its conditions. */
export interface OperationConditions {
  encryptionContext?: Record<string, string>;
  encryptionAlgorithm?: string;
}

export interface ConditionSources {
  request: RequestFacts;
  region: string;
  key?: { keySpec: KeySpec; keyUsage: KeyUsage };
  operation?: OperationConditions;
  /** PCR index -> value, from the Recipient's verified attestation document. */
  attestationPcrs?: ReadonlyMap<number, Uint8Array>;
}

const CONTEXT_KEY = "kms:encryptioncontext:";
const PCR_KEY = /^kms:recipientattestation:pcr(0|[1-9]\d?)$/;
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
const one = (value: string | undefined) => (value === undefined ? undefined : [value]);

/** The condition keys of one authorization: one request, one key, one operation. */
export class RequestConditions implements ConditionContext {
  constructor(private readonly sources: ConditionSources) {}

  get(name: string): readonly string[] | undefined {
    const { request, region, key, operation, attestationPcrs } = this.sources;
    switch (name) {
      case "aws:principalarn":
        return [request.caller.principalArn];
      case "aws:principalaccount":
      case "kms:calleraccount":
        return [request.caller.account];
      case "aws:securetransport":
        return [String(request.secureTransport)];
      case "aws:requestedregion":
        return [region];
      case "aws:sourceip":
        return one(request.sourceIp);
      case "aws:currenttime":
        return [request.receivedAt.toISOString().replace(/\.\d{3}Z$/, "Z")];
      case "aws:epochtime":
        return [String(Math.floor(request.receivedAt.getTime() / 1000))];
      case "kms:keyspec":
        return one(key?.keySpec);
      case "kms:keyusage":
        return one(key?.keyUsage);
      case "kms:encryptionalgorithm":
        return one(operation?.encryptionAlgorithm);
      case "kms:encryptioncontextkeys": {
        const keys = Object.keys(operation?.encryptionContext ?? {});
        return keys.length ? keys : undefined;
      }
      case "kms:recipientattestation:imagesha384":
        return this.pcr(attestationPcrs, 0);
    }
    if (name.startsWith(CONTEXT_KEY)) return this.contextValue(operation?.encryptionContext, name.slice(CONTEXT_KEY.length));
    const pcr = PCR_KEY.exec(name);
    return pcr ? this.pcr(attestationPcrs, Number(pcr[1])) : undefined;
  }

  private pcr(pcrs: ReadonlyMap<number, Uint8Array> | undefined, index: number) {
    const value = pcrs?.get(index);
    return value === undefined ? undefined : [hex(value)];
  }

  /** kms:EncryptionContext:<key>: the key part is matched without regard to case (the last of a case-only clash wins). */
  private contextValue(context: Record<string, string> | undefined, lowerKey: string) {
    let found: string | undefined;
    for (const k of Object.keys(context ?? {})) if (k.toLowerCase() === lowerKey) found = context![k];
    return one(found);
  }
}
