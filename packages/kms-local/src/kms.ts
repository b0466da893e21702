// The KMS service behind the HTTP front end: configuration, the store, the Recipient verifier, and what
// every operation shares: resolving key ids, ARNs and aliases, checking key state, authorizing against
// the key policy. operations/operation.ts puts these together in the one order every operation follows.
import { RequestConditions, type ConditionSources, type RequestFacts } from "./condition-keys.js";
import {
  AccessDeniedException, DisabledException, InvalidArnException, KMSInvalidStateException, MalformedPolicyDocumentException,
  NotFoundException,
} from "./errors.js";
import type { KeySpec, KeyUsage } from "./key-specs.js";
import { evaluate, parseKeyPolicy, type KeyPolicy } from "./policy.js";
import type { RecipientVerifier } from "./recipient.js";
import type { KeyState, Store, StoredKey } from "./store.js";

export interface KmsSettings {
  region: string;
  account: string;
}

/** The state an operation needs its key in. */
export type KeyStateRule = "enabled" | "not-pending-deletion" | "pending-deletion" | "any";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const epochSeconds = (ms: number) => ms / 1000;
export const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");

export class Kms {
  constructor(
    readonly settings: KmsSettings,
    readonly store: Store,
    readonly recipients: RecipientVerifier,
  ) {}

  keyArn(keyId: string) {
    return `arn:aws:kms:${this.settings.region}:${this.settings.account}:key/${keyId}`;
  }
  aliasArn(aliasName: string) {
    return `arn:aws:kms:${this.settings.region}:${this.settings.account}:${aliasName}`;
  }

  /** A key, unless its scheduled deletion date has passed (it is then deleted on the way). */
  private live(keyId: string): StoredKey | undefined {
    const key = this.store.keys.get(keyId);
    if (key && key.record.state === "PendingDeletion" && key.record.deletionDate! <= Date.now()) {
      void this.store.removeKey(keyId).catch(() => undefined); // tried again on the next look-up if it fails
      return undefined;
    }
    return key;
  }

  /** Ids of the keys that exist. */
  keyIds(): string[] {
    return [...this.store.keys.keys()].filter((id) => this.live(id) !== undefined);
  }

  /**
   * Resolves a KeyId parameter as KMS does: a key id, a key ARN, and (where the operation accepts
   * them) an alias name or alias ARN.
   */
  resolveKey(id: string, { aliases = true } = {}): StoredKey {
    let rest = id;
    if (id.startsWith("arn:")) {
      const m = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):((?:key|alias)\/.+)$/.exec(id);
      if (!m) throw new InvalidArnException(`Invalid arn ${id}`);
      if (m[1] !== this.settings.region || m[2] !== this.settings.account) {
        throw new NotFoundException(`Invalid arn ${m[1]}`);
      }
      rest = m[3];
      if (rest.startsWith("key/")) rest = rest.slice(4);
    }
    if (rest.startsWith("alias/")) {
      if (!aliases) throw new NotFoundException(`Invalid keyId ${id}`);
      const alias = this.store.aliases.get(rest);
      const key = alias && this.live(alias.targetKeyId);
      if (!key) throw new NotFoundException(`Alias ${this.aliasArn(rest)} is not found.`);
      return key;
    }
    if (!UUID.test(rest)) throw new NotFoundException(`Invalid keyId ${id}`);
    const key = this.live(rest);
    if (!key) throw new NotFoundException(`Key '${this.keyArn(rest)}' does not exist`);
    return key;
  }

  /** Refuses a key (its record) that is not in the state an operation needs, as KMS words it. */
  requireState(record: { keyId: string; state: KeyState }, rule: KeyStateRule) {
    const arn = this.keyArn(record.keyId);
    const state = record.state;
    if (rule === "any") return;
    if (rule === "pending-deletion") {
      if (state !== "PendingDeletion") throw new KMSInvalidStateException(`${arn} is not pending deletion.`);
      return;
    }
    if (state === "PendingDeletion") throw new KMSInvalidStateException(`${arn} is pending deletion.`);
    if (rule === "enabled" && state === "Disabled") throw new DisabledException(`${arn} is disabled.`);
  }

  /** Evaluates the key policy for `action` (e.g. "Decrypt"); refuses as KMS words it. */
  authorize(key: StoredKey, action: string, request: RequestFacts, operation?: ConditionSources["operation"], attestationPcrs?: ConditionSources["attestationPcrs"]) {
    const resource = this.keyArn(key.record.keyId);
    const decision = this.decide(key.policy, resource, action, { request, operation, attestationPcrs, region: this.settings.region, key: key.record });
    if (decision === "Allow") return;
    const why = decision === "ExplicitDeny"
      ? "with an explicit deny in a resource-based policy"
      : `because no resource-based policy allows the kms:${action} action`;
    throw new AccessDeniedException(`User: ${request.caller.arn} is not authorized to perform: kms:${action} on resource: ${resource} ${why}`);
  }

  /**
   * KMS's policy lockout safety check: a key policy being set (by CreateKey or PutKeyPolicy) must let the
   * caller change it again, unless the request bypasses the check.
   */
  checkLockout(policy: { text: string; keyId: string; key: { keySpec: KeySpec; keyUsage: KeyUsage }; bypass: boolean }, request: RequestFacts) {
    const parsed = parseKeyPolicy(policy.text);
    if (policy.bypass) return;
    const decision = this.decide(parsed, this.keyArn(policy.keyId), "PutKeyPolicy", { request, region: this.settings.region, key: policy.key });
    if (decision !== "Allow") {
      throw new MalformedPolicyDocumentException("The new key policy will not allow you to update the key policy in the future.");
    }
  }

  private decide(policy: KeyPolicy, resource: string, action: string, sources: ConditionSources) {
    const { caller } = sources.request;
    return evaluate(policy, {
      callerArn: caller.arn,
      principalArn: caller.principalArn,
      principalAccount: caller.account,
      action: `kms:${action}`,
      resource,
      context: new RequestConditions(sources),
    }).decision;
  }
}
