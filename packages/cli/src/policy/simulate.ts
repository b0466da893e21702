// Offline simulation: one request evaluated against a key policy by kms-local's evaluator, with the
// condition keys KMS would set for it.
import { evaluate, type KeyPolicy, type PolicyDecision } from "@nitro-enclaves-sdk/kms-local";
import { readPrincipalArn } from "../arn.js";
import { UsageError } from "../errors.js";
import { ownProperties } from "../own-properties.js";
import { kmsAction } from "./kms-actions.js";
import { requestAs, type RequestFacts } from "./request.js";

export interface SimulatedRequest extends RequestFacts {
  /** The caller's ARN: an IAM user or role, an account root, an STS assumed-role or federated-user session. */
  readonly caller: string;
  /** A KMS action, e.g. "kms:Decrypt". */
  readonly action: string;
  /** The key's ARN, for statements whose Resource names keys; by default a key in the caller's account. */
  readonly keyArn?: string;
}

export interface Simulation {
  readonly allowed: boolean;
  readonly decision: PolicyDecision["decision"];
  /** The statement that decided: the first Deny that applies, or else the first Allow. */
  readonly statement?: { readonly index: number; readonly sid?: string };
  readonly caller: string;
  readonly action: string;
}

const isPcrMap = (value: unknown) =>
  value instanceof Map && [...value].every(([index, bytes]) => Number.isInteger(index) && index >= 0 && bytes instanceof Uint8Array);

export function simulateKeyPolicy(policy: KeyPolicy, given: SimulatedRequest): Simulation {
  const request = ownProperties(given);
  if (typeof request.caller !== "string" || typeof request.action !== "string") throw new UsageError("the caller and the action must be strings");
  if (!(request.attestationPcrs === undefined || isPcrMap(request.attestationPcrs))) throw new UsageError("the attestation PCRs must be a Map of PCR index to bytes");
  if (!(request.encryptionContext === undefined || request.encryptionContext instanceof Map)) throw new UsageError("the encryption context must be a Map");
  const caller = readPrincipalArn(request.caller);
  if (!caller) throw new UsageError(`the caller must be an IAM user, role or account root ARN or an STS session ARN, got '${request.caller}'`);
  const action = kmsAction(request.action);
  if (!action) throw new UsageError(`'${request.action}' is not a KMS action (e.g. kms:Decrypt)`);
  if (request.keyArn !== undefined && !(typeof request.keyArn === "string" && /^arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/.test(request.keyArn))) {
    throw new UsageError(`the key ARN must be arn:aws:kms:<region>:<account>:key/<id>, got '${request.keyArn}'`);
  }
  const { decision, statement } = evaluate(policy, requestAs(caller, action, request, request.keyArn));
  return { allowed: decision === "Allow", decision, ...(statement && { statement }), caller: caller.arn, action };
}
