// Persistence in a data directory. One JSON file per key (keys/<keyId>.json) and per alias
// (aliases/<hex of name>.json), so a change rewrites one small file. Every write is atomic and durable
// before it resolves: write a temporary file, fsync it, rename it over the old one, fsync the directory.
// A crash at any point leaves either the old or the new file, never a torn one; leftover temporary files
// are removed at the next start. Writes to one file are queued so that the last change always lands last.
//
// Key material is encrypted at rest with AES-256-GCM under a 32-byte master key kept in its own file
// (created with mode 0600 on first start). The key's metadata (id, state, policy, ...) is the
// authenticated data of that encryption, so a file edited by hand, or swapped for another key's, is
// refused at start rather than loaded; alias files are checked field by field.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { promises as fs, constants as fsc } from "node:fs";
import { dirname, join } from "node:path";
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

function checkAlias(a: Record<string, unknown>, file: string): AliasRecord {
  if (typeof a.aliasName !== "string" || !/^alias\/[a-zA-Z0-9:/_-]+$/.test(a.aliasName)) throw new Error("bad aliasName");
  if (`${Buffer.from(a.aliasName).toString("hex")}.json` !== file) throw new Error("alias name does not match the file name");
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

async function writeAtomic(dir: string, name: string, data: string | Buffer, mode = 0o600) {
  const target = join(dir, name);
  const tmp = join(dir, `.${name}.tmp-${process.pid}-${++tmpCounter}`);
  const fh = await fs.open(tmp, "w", mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, target);
  await fsyncPath(dir, fsc.O_RDONLY);
}

async function removeDurably(dir: string, name: string) {
  await fs.rm(join(dir, name), { force: true });
  await fsyncPath(dir, fsc.O_RDONLY);
}

/**
 * Takes the data directory for this process: <dir>/kms-local.lock holds the owner's pid. Two kms-local
 * processes writing one directory would each hold a different picture of it in memory and overwrite each
 * other; a lock left by a process that no longer runs (kill -9) is taken over.
 */
async function lockDirectory(dataDir: string): Promise<string> {
  const lock = join(dataDir, "kms-local.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await fs.open(lock, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
      try {
        await fh.writeFile(String(process.pid));
        await fh.sync();
      } finally {
        await fh.close();
      }
      return lock;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new KmsLocalConfigError(`cannot lock data directory ${dataDir}`, { cause: e });
    }
    const owner = Number((await fs.readFile(lock, "utf8").catch(() => "")).trim());
    let alive = false;
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid) {
      try {
        process.kill(owner, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === "EPERM";
      }
    }
    if (alive || owner === process.pid) {
      throw new KmsLocalConfigError(`data directory ${dataDir} is in use by another kms-local (pid ${owner})`);
    }
    await fs.rm(lock, { force: true }); // its owner is gone
  }
  throw new KmsLocalConfigError(`cannot lock data directory ${dataDir}`);
}

/** Reads the master key file, creating it (exclusively, mode 0600, durably) if it does not exist. */
export async function loadOrCreateMasterKey(path: string): Promise<Buffer> {
  try {
    const key = await fs.readFile(path);
    if (key.length !== 32) throw new KmsLocalConfigError(`master key file ${path} must hold exactly 32 bytes (it holds ${key.length})`);
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      if (e instanceof KmsLocalConfigError) throw e;
      throw new KmsLocalConfigError(`cannot read master key file ${path}`, { cause: e });
    }
  }
  const key = randomBytes(32);
  const fh = await fs.open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
  try {
    await fh.writeFile(key);
    await fh.sync();
  } finally {
    await fh.close();
  }
  // The new file's name is durable only once its directory is: without the master key, every key
  // written under it is lost.
  await fsyncPath(dirname(path), fsc.O_RDONLY);
  return key;
}

export class FileStore implements Persistence {
  private readonly keysDir: string;
  private readonly aliasesDir: string;
  private readonly queues = new Map<string, Promise<void>>();

  private constructor(
    private readonly dataDir: string,
    private readonly masterKey: Buffer,
    private readonly lockFile: string,
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
    const lock = await lockDirectory(dataDir);
    try {
      return new FileStore(dataDir, await loadOrCreateMasterKey(masterKeyFile), lock);
    } catch (e) {
      await fs.rm(lock, { force: true });
      throw e;
    }
  }

  /** Runs writes to one file one after another; a failed write does not block the next. */
  private queued(path: string, work: () => Promise<void>): Promise<void> {
    const prev = this.queues.get(path) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    this.queues.set(path, tail);
    void tail.then(() => {
      if (this.queues.get(path) === tail) this.queues.delete(path);
    });
    return next;
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
    const name = `${key.keyId}.json`;
    const { material, ...rest } = key;
    const metadata = JSON.stringify(rest);
    const text = JSON.stringify({ format: FORMAT, metadata, material: this.sealMaterial(metadata, material) });
    return this.queued(join(this.keysDir, name), () => writeAtomic(this.keysDir, name, text));
  }

  deleteKey(keyId: string): Promise<void> {
    const name = `${keyId}.json`;
    return this.queued(join(this.keysDir, name), () => removeDurably(this.keysDir, name));
  }

  saveAlias(alias: AliasRecord): Promise<void> {
    const name = `${Buffer.from(alias.aliasName).toString("hex")}.json`;
    const text = JSON.stringify({ format: FORMAT, ...alias });
    return this.queued(join(this.aliasesDir, name), () => writeAtomic(this.aliasesDir, name, text));
  }

  deleteAlias(aliasName: string): Promise<void> {
    const name = `${Buffer.from(aliasName).toString("hex")}.json`;
    return this.queued(join(this.aliasesDir, name), () => removeDurably(this.aliasesDir, name));
  }

  private async readDir<T>(dir: string, parse: (json: Record<string, unknown>, file: string) => T): Promise<T[]> {
    const out: T[] = [];
    for (const file of await fs.readdir(dir)) {
      if (file.startsWith(".") && file.includes(".tmp-")) {
        await fs.rm(join(dir, file), { force: true }); // an unfinished write from a crash: never acknowledged
        continue;
      }
      if (!file.endsWith(".json")) continue;
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

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()]);
    await fs.rm(this.lockFile, { force: true });
  }

  get directory() {
    return this.dataDir;
  }
}
