// An operation described by data, and the one path every operation runs through:
//
//   read the members -> resolve each key -> require its state (and usage) -> verify the Recipient ->
//   authorize each key -> lockout check of a key policy being set -> dry run -> act -> release
//
// Release is where plaintext leaves kms-local: the operation's plaintext member goes out as base64, or,
// when the request carries a Recipient, only as CiphertextForRecipient (CMS enveloped to the attested
// enclave's key), and the plaintext bytes are wiped either way.
import type { OperationConditions, RequestFacts } from "../condition-keys.js";
import { encryptForRecipient } from "../cms.js";
import { DryRunOperationException } from "../errors.js";
import type { Input } from "../input.js";
import type { KeySpec, KeyUsage } from "../key-specs.js";
import { b64, type KeyStateRule, type Kms } from "../kms.js";
import type { Recipient } from "../recipient.js";
import type { StoredKey } from "../store.js";

export type Output = Record<string, unknown>;

/** One KMS key an operation uses, and the action authorized on it. */
export interface KeyUse<R> {
  /** Finds the key from the request; undefined when this request uses no key here (ListAliases without KeyId). */
  resolve(kms: Kms, request: R): StoredKey | undefined;
  /** The state the key must be in. */
  state: KeyStateRule;
  /** Checks of the key against the request beyond its state (key usage, algorithm); throws a KmsError. */
  check?(kms: Kms, key: StoredKey, request: R): void;
  /** The action authorized against the key's policy, without "kms:" (Decrypt, ReEncryptFrom, ...). */
  action: string;
  /** The request members that feed this authorization's condition keys. */
  conditions?(request: R): OperationConditions;
}

/** A key policy that a request sets, for KMS's lockout safety check. */
export interface NewPolicy {
  text: string;
  keyId: string;
  key: { keySpec: KeySpec; keyUsage: KeyUsage };
  /** BypassPolicyLockoutSafetyCheck: the policy must still be well-formed. */
  bypass: boolean;
}

export interface Step<R> {
  kms: Kms;
  request: R;
  /** The keys of `keys`, in order, as resolved. */
  keys: readonly (StoredKey | undefined)[];
  facts: RequestFacts;
}

export interface OperationSpec<R> {
  /** Reads and validates the members (before any key is looked up, as KMS's front end does). */
  read(input: Input): R;
  /** The keys the operation uses, resolved, checked and authorized in this order. */
  keys: readonly KeyUse<NoInfer<R>>[];
  /** Takes a Recipient. */
  recipient?: boolean;
  /** The output member that carries plaintext (act returns it as bytes). */
  plaintext?: string;
  /** Output members left out of an answer to a Recipient (as KMS leaves them out). */
  omitWithRecipient?: readonly string[];
  /** The key policy the request sets, if any, once its keys are known. */
  newPolicy?(request: NoInfer<R>, keys: readonly (StoredKey | undefined)[]): NewPolicy | undefined;
  /** Honours the DryRun member. */
  dryRun?: boolean;
  /** Does the work, once every check has passed. */
  act(step: Step<NoInfer<R>>): Promise<Output> | Output;
}

/** Describes an operation (a function so that the request type is inferred from read() alone). */
export const operation = <R>(spec: OperationSpec<R>): OperationSpec<R> => spec;

export async function run<R>(op: OperationSpec<R>, kms: Kms, input: Input, facts: RequestFacts): Promise<Output> {
  const request = op.read(input);
  const dryRun = op.dryRun ? input.boolean("DryRun") : undefined;
  const document = op.recipient ? kms.recipients.read(input) : undefined;
  const keys = op.keys.map((use) => {
    const key = use.resolve(kms, request);
    if (key) {
      kms.requireState(key.record, use.state);
      use.check?.(kms, key, request);
    }
    return key;
  });
  const recipient = await kms.recipients.verified(document);
  op.keys.forEach((use, i) => {
    const key = keys[i];
    if (key) kms.authorize(key, use.action, facts, use.conditions?.(request), recipient?.pcrs);
  });
  const policy = op.newPolicy?.(request, keys);
  if (policy) kms.checkLockout(policy, facts);
  if (dryRun) throw new DryRunOperationException("The request would have succeeded, but the DryRun option is set.");
  return release(op, await op.act({ kms, request, keys, facts }), recipient);
}

function release<R>(op: OperationSpec<R>, output: Output, recipient: Recipient | undefined): Output {
  const member = op.plaintext;
  const plaintext = member === undefined ? undefined : output[member];
  if (member === undefined || !(plaintext instanceof Uint8Array)) return output;
  try {
    const released: Output = { ...output };
    if (recipient) {
      delete released[member];
      for (const omitted of op.omitWithRecipient ?? []) delete released[omitted];
      released.CiphertextForRecipient = b64(encryptForRecipient(plaintext, recipient.publicKey, recipient.spki));
    } else {
      released[member] = b64(plaintext);
    }
    return released;
  } finally {
    plaintext.fill(0);
  }
}
