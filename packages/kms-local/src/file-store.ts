// Persistence in a data directory. One JSON file per key (keys/<keyId>.json) and per alias
// (aliases/<hex of name>.json), so a change rewrites one small file. Every write is atomic and durable
// before it resolves: write a temporary file, fsync it, rename it over the old one, fsync the directory.
// A crash at any point leaves either the old or the new file, never a torn one; a failed write removes
// its temporary file, and temporary files of kms-local's own naming left by a crash are removed at the
// next start (nothing else in the directory is touched). The store (store.ts) runs the writes to one
// file one at a time. One kms-local owns the directory at a time (directory-lock.ts).
//
// Key material is encrypted at rest with AES-256-GCM under a 32-byte master key kept in its own file
// (created with mode 0600 on first start; one that group or others may read is refused). The key's
// metadata (id, state, policy, ...) is the authenticated data of that encryption, so a file edited by
// hand, or swapped for another key's, is refused at start rather than loaded; alias files are checked
// field by field. A data directory that holds keys but whose master key file is missing is refused: a
// new master key could open none of them.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { promises as fs, constants as fsc } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DirectoryLock } from "./directory-lock.js";
import { KmsLocalConfigError } from "./errors.js";
import { KEY_SPECS, KEY_USAGES } from "./key-specs.js";
import type { AliasRecord, KeyRecord, Persistence } from "./store.js";

const FORMAT = 1;
const materialAad = (metadata: string) => Buffer.from(`kms-local key material v1\n${metadata}`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isTime = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** Field-by-field check of a key's metadata as read back from disk. */
function checkKeyMetadata(m: Record<string, unknown>, file: string): Omit<KeyRecord, "material"> {
  const bad = (field: string) => {
    throw new Error(`bad ${field}`);
  };
  if (typeof m.keyId !== "string" || !UUID.test(m.keyId) || `${m.keyId}.json` !== file) bad("keyId");
  if (!isTime(m.creationDate)) bad("creationDate");
  if (typeof m.description !== "string") bad("description");
  if (!(KEY_USAGES as readonly unknown[]).includes(m.keyUsage)) bad("keyUsage");
  if (!(KEY_SPECS as readonly unknown[]).includes(m.keySpec)) bad("keySpec");
  if (!["Enabled", "Disabled", "PendingDeletion"].includes(m.state as string)) bad("state");
  if (m.state === "PendingDeletion" && (!isTime(m.deletionDate) || typeof m.pendingWindowInDays !== "number")) bad("deletionDate");
  if (typeof m.policy !== "string") bad("policy");
  if (!Array.isArray(m.tags) || !m.tags.every((t) => typeof t?.TagKey === "string" && typeof t?.TagValue === "string")) bad("tags");
  return m as unknown as Omit<KeyRecord, "material">;
}

const aliasFile = (aliasName: string) => `${Buffer.from(aliasName).toString("hex")}.json`;

function checkAlias(a: Record<string, unknown>, file: string): AliasRecord {
  if (typeof a.aliasName !== "string" || !/^alias\/[a-zA-Z0-9:/_-]+$/.test(a.aliasName)) throw new Error("bad aliasName");
  if (aliasFile(a.aliasName) !== file) throw new Error("alias name does not match the file name");
  if (typeof a.targetKeyId !== "string" || !UUID.test(a.targetKeyId)) throw new Error("bad targetKeyId");
  if (!isTime(a.creationDate) || !isTime(a.lastUpdatedDate)) throw new Error("bad dates");
  return { aliasName: a.aliasName, targetKeyId: a.targetKeyId, creationDate: a.creationDate as number, lastUpdatedDate: a.lastUpdatedDate as number };
}

async function fsyncPath(path: string, flags: number) {
  const fh = await fs.open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

let tmpCounter = 0;
/** Temporary files as writeAtomic names them: .<target>.tmp-<pid>-<counter>. */
const TEMPORARY = /^\.[^/]+\.json\.tmp-\d+-\d+$/;

async function writeAtomic(dir: string, name: string, data: string | Buffer, mode = 0o600) {
  const target = join(dir, name);
  const tmp = join(dir, `.${name}.tmp-${process.pid}-${++tmpCounter}`);
  try {
    const fh = await fs.open(tmp, "wx", mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  await fsyncPath(dir, fsc.O_RDONLY);
}

async function removeDurably(dir: string, name: string) {
  await fs.rm(join(dir, name), { force: true });
  await fsyncPath(dir, fsc.O_RDONLY);
}

/**
 * Reads the master key file; creates it (exclusively, mode 0600, durably) only if it does not exist and
 * `mayCreate` (no key was written under another master key). A file that group or others may read is
 * refused: it holds the key to every key.
 */
export async function loadOrCreateMasterKey(path: string, mayCreate = true): Promise<Buffer> {
  let fh: FileHandle | undefined;
  try {
    fh = await fs.open(path, fsc.O_RDONLY);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new KmsLocalConfigError(`cannot read master key file ${path}`, { cause: e });
  }
  if (fh) {
    try {
      const mode = (await fh.stat()).mode & 0o777;
      if (mode & 0o077) {
        throw new KmsLocalConfigError(`master key file ${path} may be read by group or others (mode ${mode.toString(8).padStart(4, "0")}): make it 0600 (chmod 600)`);
      }
      const key = await fh.readFile();
      if (key.length !== 32) throw new KmsLocalConfigError(`master key file ${path} must hold exactly 32 bytes (it holds ${key.length})`);
      return key;
    } catch (e) {
      if (e instanceof KmsLocalConfigError) throw e;
      throw new KmsLocalConfigError(`cannot read master key file ${path}`, { cause: e });
    } finally {
      await fh.close();
    }
  }
  if (!mayCreate) {
    throw new KmsLocalConfigError(`master key file ${path} is missing, but the data directory holds keys written under a master key: restore the file (a new master key could open none of them)`);
  }
  const key = randomBytes(32);
  const created = await fs.open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
  try {
    await created.writeFile(key);
    await created.sync();
  } finally {
    await created.close();
  }
  // The new file's name is durable only once its directory is: without the master key, every key
  // written under it is lost.
  await fsyncPath(dirname(path), fsc.O_RDONLY);
  return key;
}

/** Whether a directory holds records of kms-local's own naming (keys or aliases). */
async function holdsRecords(dir: string): Promise<boolean> {
  return (await fs.readdir(dir)).some((f) => f.endsWith(".json") && !f.startsWith("."));
}

export class FileStore implements Persistence {
  private readonly keysDir: string;
  private readonly aliasesDir: string;

  private constructor(
    dataDir: string,
    private readonly masterKey: Buffer,
    private readonly lock: DirectoryLock,
  ) {
    this.keysDir = join(dataDir, "keys");
    this.aliasesDir = join(dataDir, "aliases");
  }

  static async open(dataDir: string, masterKeyFile = join(dataDir, "master.key")): Promise<FileStore> {
    try {
      await fs.mkdir(join(dataDir, "keys"), { recursive: true, mode: 0o700 });
      await fs.mkdir(join(dataDir, "aliases"), { recursive: true, mode: 0o700 });
      await fsyncPath(dataDir, fsc.O_RDONLY); // the two directories' names, as writeAtomic does for files
    } catch (e) {
      throw new KmsLocalConfigError(`cannot create data directory ${dataDir}`, { cause: e });
    }
    const lock = await DirectoryLock.acquire(dataDir);
    try {
      const empty = !(await holdsRecords(join(dataDir, "keys"))) && !(await holdsRecords(join(dataDir, "aliases")));
      return new FileStore(dataDir, await loadOrCreateMasterKey(masterKeyFile, empty), lock);
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  private sealMaterial(metadata: string, material: Buffer): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.masterKey, iv);
    c.setAAD(materialAad(metadata));
    const body = Buffer.concat([c.update(material), c.final()]);
    return Buffer.concat([iv, body, c.getAuthTag()]).toString("base64");
  }

  private openMaterial(metadata: string, sealed: string): Buffer {
    const bytes = Buffer.from(sealed, "base64");
    if (bytes.length < 28) throw new Error("sealed material too short");
    const d = createDecipheriv("aes-256-gcm", this.masterKey, bytes.subarray(0, 12));
    d.setAAD(materialAad(metadata));
    d.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([d.update(bytes.subarray(12, bytes.length - 16)), d.final()]);
  }

  saveKey(key: KeyRecord): Promise<void> {
    const { material, ...rest } = key;
    const metadata = JSON.stringify(rest);
    const text = JSON.stringify({ format: FORMAT, metadata, material: this.sealMaterial(metadata, material) });
    return writeAtomic(this.keysDir, `${key.keyId}.json`, text);
  }

  deleteKey(keyId: string): Promise<void> {
    return removeDurably(this.keysDir, `${keyId}.json`);
  }

  saveAlias(alias: AliasRecord): Promise<void> {
    return writeAtomic(this.aliasesDir, aliasFile(alias.aliasName), JSON.stringify({ format: FORMAT, ...alias }));
  }

  deleteAlias(aliasName: string): Promise<void> {
    return removeDurably(this.aliasesDir, aliasFile(aliasName));
  }

  private async readDir<T>(dir: string, parse: (json: Record<string, unknown>, file: string) => T): Promise<T[]> {
    const out: T[] = [];
    for (const file of await fs.readdir(dir)) {
      if (TEMPORARY.test(file)) {
        await fs.rm(join(dir, file), { force: true }); // an unfinished write from a crash: never acknowledged
        continue;
      }
      if (!file.endsWith(".json") || file.startsWith(".")) continue;
      try {
        const json = JSON.parse(await fs.readFile(join(dir, file), "utf8"));
        if (json?.format !== FORMAT) throw new Error(`unknown format ${json?.format}`);
        out.push(parse(json, file));
      } catch (e) {
        throw new KmsLocalConfigError(`cannot read ${join(dir, file)} (wrong master key or damaged file): ${(e as Error).message}`, { cause: e });
      }
    }
    return out;
  }

  async load(): Promise<{ keys: KeyRecord[]; aliases: AliasRecord[] }> {
    const keys = await this.readDir(this.keysDir, (json, file) => {
      if (typeof json.metadata !== "string" || typeof json.material !== "string") throw new Error("missing metadata or material");
      // Authenticate first: nothing of a file that fails to open is used.
      const material = this.openMaterial(json.metadata, json.material);
      return { ...checkKeyMetadata(JSON.parse(json.metadata), file), material };
    });
    const aliases = await this.readDir(this.aliasesDir, (json, file) => checkAlias(json, file));
    return { keys, aliases };
  }

  /** Lets the data directory go. The store has finished its writes before it calls this. */
  async close(): Promise<void> {
    await this.lock.release();
  }
}
