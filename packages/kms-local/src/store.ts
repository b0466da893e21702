// The state of one kms-local: keys and aliases, held in memory and, when a data directory is given,
// written through to it before a request is acknowledged (see file-store.ts).
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import type { KeySpec, KeyUsage } from "./key-specs.js";
import { parseKeyPolicy, type KeyPolicy } from "./policy.js";

export type KeyState = "Enabled" | "Disabled" | "PendingDeletion";

/** What is persisted about a key. `material` is secret: 32 bytes (symmetric) or a PKCS#8 DER private key. */
export interface KeyRecord {
  keyId: string;
  creationDate: number; // ms since epoch
  description: string;
  keyUsage: KeyUsage;
  keySpec: KeySpec;
  state: KeyState;
  deletionDate?: number; // ms since epoch
  pendingWindowInDays?: number;
  policy: string;
  tags: { TagKey: string; TagValue: string }[];
  material: Buffer;
}

export interface AliasRecord {
  aliasName: string;
  targetKeyId: string;
  creationDate: number;
  lastUpdatedDate: number;
}

/** A key with the parsed forms of its policy and material, computed once. */
export class StoredKey {
  private parsedPolicy?: { text: string; policy: KeyPolicy };
  private privateKeyObject?: KeyObject;
  private publicKeyObject?: KeyObject;
  constructor(public record: KeyRecord) {}

  get policy(): KeyPolicy {
    if (this.parsedPolicy?.text !== this.record.policy) {
      this.parsedPolicy = { text: this.record.policy, policy: parseKeyPolicy(this.record.policy) };
    }
    return this.parsedPolicy.policy;
  }
  get privateKey(): KeyObject {
    return (this.privateKeyObject ??= createPrivateKey({ key: this.record.material, format: "der", type: "pkcs8" }));
  }
  get publicKey(): KeyObject {
    return (this.publicKeyObject ??= createPublicKey(this.privateKey));
  }
  get publicKeyDer(): Buffer {
    return this.publicKey.export({ type: "spki", format: "der" });
  }
}

/** Where the store writes through to. Every method resolves only once the change is durable. */
export interface Persistence {
  load(): Promise<{ keys: KeyRecord[]; aliases: AliasRecord[] }>;
  saveKey(key: KeyRecord): Promise<void>;
  deleteKey(keyId: string): Promise<void>;
  saveAlias(alias: AliasRecord): Promise<void>;
  deleteAlias(aliasName: string): Promise<void>;
  close(): Promise<void>;
}

export class Store {
  readonly keys = new Map<string, StoredKey>();
  readonly aliases = new Map<string, AliasRecord>();
  private constructor(private readonly persistence: Persistence | null) {}

  static async open(persistence: Persistence | null): Promise<Store> {
    const store = new Store(persistence);
    if (persistence) {
      const { keys, aliases } = await persistence.load();
      for (const k of keys) store.keys.set(k.keyId, new StoredKey(k));
      for (const a of aliases) store.aliases.set(a.aliasName, a);
    }
    return store;
  }

  /**
   * Writes a key through. A new key joins the store only once it is durable: were it usable before, a
   * failed write would leave a key that serves requests now and is gone at the next start, with
   * whatever was encrypted under it.
   */
  async putKey(key: StoredKey): Promise<void> {
    const known = this.keys.has(key.record.keyId);
    await this.persistence?.saveKey(key.record);
    if (!known) this.keys.set(key.record.keyId, key);
  }

  async removeKey(keyId: string): Promise<void> {
    this.keys.delete(keyId);
    for (const [name, a] of this.aliases) if (a.targetKeyId === keyId) await this.removeAlias(name);
    await this.persistence?.deleteKey(keyId);
  }

  async putAlias(alias: AliasRecord): Promise<void> {
    this.aliases.set(alias.aliasName, alias);
    await this.persistence?.saveAlias(alias);
  }

  async removeAlias(aliasName: string): Promise<void> {
    this.aliases.delete(aliasName);
    await this.persistence?.deleteAlias(aliasName);
  }

  async close(): Promise<void> {
    await this.persistence?.close();
  }
}
