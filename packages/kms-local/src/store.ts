// The state of one kms-local: keys and aliases, held in memory and, when a data directory is given,
// written to it (see file-store.ts). A change reaches the disk before it reaches memory: it is written
// first and takes effect only once the write has succeeded, so a failed write (a full disk, a directory
// turned read-only) changes nothing, and nothing acknowledged is lost at the next start. Changes to one
// key or one alias run one at a time, each computed from the state the previous one left.
import { createHmac, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import type { KeySpec, KeyUsage } from "./key-specs.js";
import { parseKeyPolicy, type KeyPolicy } from "./policy.js";
import { Serial } from "./serial.js";

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

/** A key: its current record, and the parsed forms of its policy and material, computed once. */
export class StoredKey {
  private current: Readonly<KeyRecord>;
  private parsedPolicy?: { text: string; policy: KeyPolicy };
  private privateKeyObject?: KeyObject;
  private publicKeyObject?: KeyObject;
  private materialId?: string;

  constructor(record: KeyRecord) {
    this.current = record;
  }

  /** The key's record as it is on disk; replaced (never changed in place) by the store. */
  get record(): Readonly<KeyRecord> {
    return this.current;
  }
  /** For the store: the record once its write has landed. The material never changes. */
  commit(record: KeyRecord): void {
    this.current = record;
  }

  get policy(): KeyPolicy {
    if (this.parsedPolicy?.text !== this.current.policy) {
      this.parsedPolicy = { text: this.current.policy, policy: parseKeyPolicy(this.current.policy) };
    }
    return this.parsedPolicy.policy;
  }
  get privateKey(): KeyObject {
    return (this.privateKeyObject ??= createPrivateKey({ key: this.current.material, format: "der", type: "pkcs8" }));
  }
  get publicKey(): KeyObject {
    return (this.publicKeyObject ??= createPublicKey(this.privateKey));
  }
  get publicKeyDer(): Buffer {
    return this.publicKey.export({ type: "spki", format: "der" });
  }
  /**
   * KMS's KeyMaterialId: 64 hex digits naming the key material. kms-local keys have one material each, so
   * it is derived from the material (a MAC under it, which tells nothing about it).
   */
  get keyMaterialId(): string {
    return (this.materialId ??= createHmac("sha256", this.current.material).update("kms-local key material id").digest("hex"));
  }
}

/** Where the store writes to. Every method resolves only once the change is durable. */
export interface Persistence {
  load(): Promise<{ keys: KeyRecord[]; aliases: AliasRecord[] }>;
  saveKey(key: KeyRecord): Promise<void>;
  deleteKey(keyId: string): Promise<void>;
  saveAlias(alias: AliasRecord): Promise<void>;
  deleteAlias(aliasName: string): Promise<void>;
  close(): Promise<void>;
}

export class Store {
  private readonly keyMap = new Map<string, StoredKey>();
  private readonly aliasMap = new Map<string, AliasRecord>();
  private readonly serial = new Serial();
  private constructor(private readonly persistence: Persistence | null) {}

  static async open(persistence: Persistence | null): Promise<Store> {
    const store = new Store(persistence);
    if (persistence) {
      const { keys, aliases } = await persistence.load();
      for (const k of keys) store.keyMap.set(k.keyId, new StoredKey(k));
      for (const a of aliases) store.aliasMap.set(a.aliasName, a);
    }
    return store;
  }

  get keys(): ReadonlyMap<string, StoredKey> {
    return this.keyMap;
  }
  get aliases(): ReadonlyMap<string, Readonly<AliasRecord>> {
    return this.aliasMap;
  }

  /** Adds a new key once it is durable (a key usable before would be lost at the next start, with what was encrypted under it). */
  addKey(key: StoredKey): Promise<void> {
    return this.serial.run(`key:${key.record.keyId}`, async () => {
      await this.persistence?.saveKey(key.record as KeyRecord);
      this.keyMap.set(key.record.keyId, key);
    });
  }

  /**
   * Changes a key: `change` gets its current record and returns the new one (or throws to refuse the
   * change); the new record takes effect once written. Resolves with it.
   */
  updateKey(key: StoredKey, change: (current: Readonly<KeyRecord>) => KeyRecord): Promise<Readonly<KeyRecord>> {
    return this.serial.run(`key:${key.record.keyId}`, async () => {
      const next = change(key.record);
      await this.persistence?.saveKey(next);
      key.commit(next);
      return next;
    });
  }

  /** Deletes a key and the aliases that point to it. */
  async removeKey(keyId: string): Promise<void> {
    for (const [name, alias] of this.aliasMap) {
      if (alias.targetKeyId !== keyId) continue;
      await this.changeAlias(name, (current) => (current === undefined || current.targetKeyId === keyId ? null : current));
    }
    await this.serial.run(`key:${keyId}`, async () => {
      if (!this.keyMap.has(keyId)) return;
      await this.persistence?.deleteKey(keyId);
      this.keyMap.delete(keyId);
    });
  }

  /**
   * Creates, changes or deletes an alias: `change` gets its current record (undefined if there is none)
   * and returns the new one, null to delete it, or throws to refuse; the result takes effect once written.
   */
  changeAlias(aliasName: string, change: (current: Readonly<AliasRecord> | undefined) => Readonly<AliasRecord> | null): Promise<void> {
    return this.serial.run(`alias:${aliasName}`, async () => {
      const current = this.aliasMap.get(aliasName);
      const next = change(current);
      if (next === current) return;
      if (next === null) {
        if (!current) return;
        await this.persistence?.deleteAlias(aliasName);
        this.aliasMap.delete(aliasName);
      } else {
        await this.persistence?.saveAlias(next);
        this.aliasMap.set(aliasName, next);
      }
    });
  }

  /** Waits for changes under way, then lets the persistence go (its data directory lock). */
  async close(): Promise<void> {
    await this.serial.idle();
    await this.persistence?.close();
  }
}
