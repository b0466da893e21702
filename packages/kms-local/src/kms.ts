// The KMS service behind the HTTP front end: configuration, the store, and what every operation shares
// (resolving key ids, ARNs and aliases; checking key state; authorizing against the key policy).
import {
  AccessDeniedException, DisabledException, DryRunOperationException, InvalidArnException,
  KMSInvalidStateException, NotFoundException,
} from "./errors.js";
import type { Input } from "./input.js";
import { evaluate, type ConditionContext } from "./policy.js";
import type { Recipient, RecipientVerifier } from "./recipient.js";
import { Store, type StoredKey } from "./store.js";

export interface Caller {
  accessKeyId: string;
  principalArn: string;
  account: string;
}

export interface KmsSettings {
  region: string;
  account: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const epochSeconds = (ms: number) => ms / 1000;
export const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");

/**
 * A request's condition keys, looked up only for the keys a policy's conditions name (most policies name
 * none): nothing is built per request unless a condition asks for it.
 */
class RequestConditions implements ConditionContext {
  private contextValues?: Map<string, string[]>;
  constructor(
    private readonly caller: Caller,
    private readonly encryptionContext: Record<string, string> | undefined,
    private readonly recipient: Recipient | undefined,
  ) {}

  get(key: string): readonly string[] | undefined {
    switch (key) {
      case "aws:principalarn":
        return [this.caller.principalArn];
      case "aws:principalaccount":
      case "kms:calleraccount":
        return [this.caller.account];
      case "kms:encryptioncontextkeys": {
        const keys = this.encryptionContext ? Object.keys(this.encryptionContext) : [];
        return keys.length ? keys : undefined;
      }
    }
    if (key.startsWith("kms:encryptioncontext:")) return this.encryptionContextValues().get(key);
    return this.recipient?.conditionValues.get(key);
  }

  /** kms:EncryptionContext:<key>, keys lower-cased as condition keys are (the last of a case-only clash wins). */
  private encryptionContextValues(): Map<string, string[]> {
    if (!this.contextValues) {
      this.contextValues = new Map();
      const context = this.encryptionContext ?? {};
      for (const k of Object.keys(context)) this.contextValues.set(`kms:encryptioncontext:${k.toLowerCase()}`, [context[k]]);
    }
    return this.contextValues;
  }
}

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

  /** A key's record, dropping it first if its scheduled deletion date has passed. */
  private live(keyId: string): StoredKey | undefined {
    const key = this.store.keys.get(keyId);
    if (key && key.record.state === "PendingDeletion" && key.record.deletionDate! <= Date.now()) {
      void this.store.removeKey(keyId).catch(() => undefined);
      return undefined;
    }
    return key;
  }

  /** Ids of the keys that exist (keys whose deletion date has passed are dropped on the way). */
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

  /** Crypto operations need an enabled key. */
  requireEnabled(key: StoredKey) {
    const arn = this.keyArn(key.record.keyId);
    if (key.record.state === "Disabled") throw new DisabledException(`${arn} is disabled.`);
    if (key.record.state === "PendingDeletion") throw new KMSInvalidStateException(`${arn} is pending deletion.`);
  }

  /** The condition keys every request carries, plus those of the encryption context and recipient. */
  conditionContext(caller: Caller, extra: { encryptionContext?: Record<string, string>; recipient?: Recipient } = {}): ConditionContext {
    return new RequestConditions(caller, extra.encryptionContext, extra.recipient);
  }

  /** Evaluates the key policy; refuses as KMS words it. */
  authorize(key: StoredKey, action: string, caller: Caller, context: ConditionContext) {
    const resource = this.keyArn(key.record.keyId);
    const { decision } = evaluate(key.policy, {
      callerArn: caller.principalArn,
      principalArn: caller.principalArn,
      principalAccount: caller.account,
      action: `kms:${action}`,
      resource,
      context,
    });
    if (decision === "Allow") return;
    const why = decision === "ExplicitDeny"
      ? "with an explicit deny in a resource-based policy"
      : `because no resource-based policy allows the kms:${action} action`;
    throw new AccessDeniedException(
      `User: ${caller.principalArn} is not authorized to perform: kms:${action} on resource: ${resource} ${why}`,
    );
  }

  /** After every check has passed: a DryRun request stops here. */
  dryRun(input: Input) {
    if (input.boolean("DryRun")) throw new DryRunOperationException("The request would have succeeded, but the DryRun option is set.");
  }
}
