// The data directory: what is written survives a restart; key material is encrypted at rest under the
// master key, bound to its key id; the wrong master key or a damaged file stops the start with a clear error.
import { randomBytes } from "node:crypto";
import { mkdtempSync, promises as fsp, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore, loadOrCreateMasterKey } from "../src/file-store";
import { KmsLocalConfigError } from "../src/errors";
import type { KeyRecord } from "../src/store";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kms-local-store-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Opens the directory, loads it and lets it go again (a data directory has one owner at a time). */
async function loadOnce(masterKeyFile?: string) {
  const store = await FileStore.open(dir, masterKeyFile);
  try {
    return await store.load();
  } finally {
    await store.close();
  }
}

const key = (material = randomBytes(32)): KeyRecord => ({
  keyId: "0b7e7f8e-1111-4222-8333-944445555666",
  creationDate: 1_700_000_000_000,
  description: "d",
  keyUsage: "ENCRYPT_DECRYPT",
  keySpec: "SYMMETRIC_DEFAULT",
  state: "Enabled",
  policy: "{}",
  tags: [],
  material,
});

test("keys and aliases survive a reopen; the master key file is created 0600", async () => {
  const store = await FileStore.open(dir);
  const k = key();
  await store.saveKey(k);
  await store.saveAlias({ aliasName: "alias/a", targetKeyId: k.keyId, creationDate: 1, lastUpdatedDate: 2 });
  await store.saveAlias({ aliasName: "alias/gone", targetKeyId: k.keyId, creationDate: 1, lastUpdatedDate: 2 });
  await store.deleteAlias("alias/gone");
  await store.close();
  expect(statSync(join(dir, "master.key")).mode & 0o777).toBe(0o600);
  const loaded = await loadOnce();
  expect(loaded.keys).toEqual([k]);
  expect(loaded.aliases).toEqual([{ aliasName: "alias/a", targetKeyId: k.keyId, creationDate: 1, lastUpdatedDate: 2 }]);
});

test("a new master key file and the data directory's subdirectories are made durable in their directories", async () => {
  const synced: string[] = [];
  const open = fsp.open.bind(fsp);
  const spy = jest.spyOn(fsp, "open").mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
    const fh = await open(...args);
    const sync = fh.sync.bind(fh);
    fh.sync = async () => {
      synced.push(String(args[0]));
      return sync();
    };
    return fh;
  });
  try {
    const elsewhere = join(dir, "secrets");
    await fsp.mkdir(elsewhere);
    await loadOrCreateMasterKey(join(elsewhere, "master.key"));
    expect(synced).toContain(elsewhere);
    synced.length = 0;
    await (await FileStore.open(join(dir, "data"), join(elsewhere, "master.key"))).close();
    expect(synced).toContain(join(dir, "data"));
  } finally {
    spy.mockRestore();
  }
});

test("key material is not stored in the clear", async () => {
  const material = randomBytes(32);
  const store = await FileStore.open(dir);
  await store.saveKey(key(material));
  const file = readFileSync(join(dir, "keys", `${key().keyId}.json`));
  expect(file.includes(material)).toBe(false);
  expect(file.includes(Buffer.from(material.toString("base64")))).toBe(false);
  expect(file.includes(Buffer.from(material.toString("hex")))).toBe(false);
});

test("the last of many concurrent writes to one key is the one on disk", async () => {
  const store = await FileStore.open(dir);
  const k = key();
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.saveKey({ ...k, description: `v${i}` })));
  await store.close();
  const loaded = await loadOnce();
  expect(loaded.keys[0].description).toBe("v19");
  expect(readdirSync(join(dir, "keys"))).toEqual([`${k.keyId}.json`]);
});

test("the wrong master key, a damaged file or a bad master key file refuse to start", async () => {
  const store = await FileStore.open(dir);
  await store.saveKey(key());
  await store.close();
  writeFileSync(join(dir, "other.key"), randomBytes(32));
  await expect(loadOnce(join(dir, "other.key"))).rejects.toThrow(KmsLocalConfigError);
  writeFileSync(join(dir, "short.key"), randomBytes(5));
  await expect(FileStore.open(dir, join(dir, "short.key"))).rejects.toThrow(/exactly 32 bytes/);
  writeFileSync(join(dir, "keys", `${key().keyId}.json`), "{ torn");
  await expect(loadOnce()).rejects.toThrow(KmsLocalConfigError);
});

test("a key file edited by hand, or copied over another key's, is refused", async () => {
  const store = await FileStore.open(dir);
  await store.saveKey({ ...key(), state: "Disabled" });
  await store.close();
  const file = join(dir, "keys", `${key().keyId}.json`);
  const original = readFileSync(file, "utf8");
  writeFileSync(file, original.replace('\\"state\\":\\"Disabled\\"', '\\"state\\":\\"Enabled\\"'));
  expect(readFileSync(file, "utf8")).not.toBe(original);
  await expect(loadOnce()).rejects.toThrow(KmsLocalConfigError);
  writeFileSync(file, original);
  writeFileSync(join(dir, "keys", "0b7e7f8e-1111-4222-8333-999999999999.json"), original);
  await expect(loadOnce()).rejects.toThrow(/bad keyId/);
});

test("a data directory has one owner: a second opener is refused; a lock left by a dead process is taken over", async () => {
  const store = await FileStore.open(dir);
  await expect(FileStore.open(dir)).rejects.toThrow(/in use by another kms-local/);
  await store.close();
  writeFileSync(join(dir, "kms-local.lock"), "999999999"); // no such process
  const again = await FileStore.open(dir);
  expect(readFileSync(join(dir, "kms-local.lock"), "utf8")).toBe(String(process.pid));
  await again.close();
});

test("leftover temporary files of an interrupted write are removed, not loaded", async () => {
  const store = await FileStore.open(dir);
  await store.saveKey(key());
  await store.close();
  writeFileSync(join(dir, "keys", `.${key().keyId}.json.tmp-1-1`), "{ half written");
  const loaded = await loadOnce();
  expect(loaded.keys).toHaveLength(1);
  expect(readdirSync(join(dir, "keys"))).toEqual([`${key().keyId}.json`]);
});
