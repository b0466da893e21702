// Persistence in a data directory. One JSON file per key (keys/<keyId>.json) and per alias
// (aliases/<hex of name>.json), so a change rewrites one small file. Every write is atomic and durable
// before it resolves: write a temporary file, fsync it, rename it over the old one, fsync the directory.
// A crash at any point leaves either the old or the new file, never a torn one; leftover temporary files
// are removed at the next start. Writes to one file are queued so that the last change always lands last.
//
// Key material is encrypted at rest with AES-256-GCM under a 32-byte master key kept in its own file
// (created with mode 0600 on first start), bound to the key id so a file cannot be swapped for another.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { promises as fs, constants as fsc } from "node:fs";
import { join } from "node:path";
import { KmsLocalConfigError } from "./errors.js";
import type { AliasRecord, KeyRecord, Persistence } from "./store.js";

const FORMAT = 1;
const materialAad = (keyId: string) => Buffer.from(`kms-local key material v1:${keyId}`);

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
  return key;
}

export class FileStore implements Persistence {
  private readonly keysDir: string;
  private readonly aliasesDir: string;
  private readonly queues = new Map<string, Promise<void>>();

  private constructor(
    private readonly dataDir: string,
    private readonly masterKey: Buffer,
  ) {
    this.keysDir = join(dataDir, "keys");
    this.aliasesDir = join(dataDir, "aliases");
  }

  static async open(dataDir: string, masterKeyFile = join(dataDir, "master.key")): Promise<FileStore> {
    try {
      await fs.mkdir(join(dataDir, "keys"), { recursive: true, mode: 0o700 });
      await fs.mkdir(join(dataDir, "aliases"), { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new KmsLocalConfigError(`cannot create data directory ${dataDir}`, { cause: e });
    }
    return new FileStore(dataDir, await loadOrCreateMasterKey(masterKeyFile));
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

  private sealMaterial(keyId: string, material: Buffer): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.masterKey, iv);
    c.setAAD(materialAad(keyId));
    const body = Buffer.concat([c.update(material), c.final()]);
    return Buffer.concat([iv, body, c.getAuthTag()]).toString("base64");
  }

  private openMaterial(keyId: string, sealed: string): Buffer {
    const bytes = Buffer.from(sealed, "base64");
    if (bytes.length < 28) throw new Error("sealed material too short");
    const d = createDecipheriv("aes-256-gcm", this.masterKey, bytes.subarray(0, 12));
    d.setAAD(materialAad(keyId));
    d.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([d.update(bytes.subarray(12, bytes.length - 16)), d.final()]);
  }

  saveKey(key: KeyRecord): Promise<void> {
    const name = `${key.keyId}.json`;
    const { material, ...rest } = key;
    const text = JSON.stringify({ format: FORMAT, ...rest, material: this.sealMaterial(key.keyId, material) });
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
    const keys = await this.readDir(this.keysDir, (json) => {
      const { format: _f, material, ...rest } = json;
      const record = rest as unknown as Omit<KeyRecord, "material">;
      return { ...record, material: this.openMaterial(record.keyId, String(material)) } as KeyRecord;
    });
    const aliases = await this.readDir(this.aliasesDir, (json) => {
      const { format: _f, ...rest } = json;
      return rest as unknown as AliasRecord;
    });
    return { keys, aliases };
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  get directory() {
    return this.dataDir;
  }
}
