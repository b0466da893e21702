// The data directory: what is written survives a restart; key material is encrypted at rest under the
// master key, bound to its key id; the wrong master key, a damaged file, a missing master key beside keys
// or a master key others may read stops the start with a clear error; the directory has one owner.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, promises as fsp, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
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
  await store.close();
  const file = readFileSync(join(dir, "keys", `${key().keyId}.json`));
  expect(file.includes(material)).toBe(false);
  expect(file.includes(Buffer.from(material.toString("base64")))).toBe(false);
  expect(file.includes(Buffer.from(material.toString("hex")))).toBe(false);
});

test("the wrong master key, a damaged file or a bad master key file refuse to start", async () => {
  const store = await FileStore.open(dir);
  await store.saveKey(key());
  await store.close();
  writeFileSync(join(dir, "other.key"), randomBytes(32), { mode: 0o600 });
  await expect(loadOnce(join(dir, "other.key"))).rejects.toThrow(KmsLocalConfigError);
  writeFileSync(join(dir, "short.key"), randomBytes(5), { mode: 0o600 });
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

test("a data directory has one owner: a second opener is refused, even in the same process; closing lets it go", async () => {
  const store = await FileStore.open(dir);
  await expect(FileStore.open(dir)).rejects.toThrow(new RegExp(`in use by another kms-local \\(pid ${process.pid}\\)`));
  await store.close();
  expect(existsSync(join(dir, "kms-local.lock"))).toBe(true); // the lock file stays; the kernel lock went with the descriptor
  const again = await FileStore.open(dir);
  await again.close();
});

test("of many opens at once (separate descriptors, as separate processes have), exactly one gets the directory, every round", async () => {
  for (let round = 0; round < 20; round++) {
    const results = await Promise.allSettled(Array.from({ length: 16 }, () => FileStore.open(dir)));
    const opened = results.filter((r): r is PromiseFulfilledResult<FileStore> => r.status === "fulfilled");
    expect({ round, opened: opened.length }).toEqual({ round, opened: 1 });
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(KmsLocalConfigError);
    await opened[0].value.close();
  }
});

test("a lock file naming another, dead or live, process does not hold the directory: only a held lock does", async () => {
  for (const pid of ["999999999", "1", String(process.ppid)]) {
    writeFileSync(join(dir, "kms-local.lock"), pid);
    const store = await FileStore.open(dir);
    expect(readFileSync(join(dir, "kms-local.lock"), "utf8").trim()).toBe(String(process.pid));
    await store.close();
  }
});

test("a missing master key beside existing keys is refused, and no new one is written", async () => {
  const store = await FileStore.open(dir);
  await store.saveKey(key());
  await store.close();
  rmSync(join(dir, "master.key"));
  await expect(FileStore.open(dir)).rejects.toThrow(/master key file .* is missing, but the data directory holds keys/);
  expect(existsSync(join(dir, "master.key"))).toBe(false);
  // An alias alone counts too: it names a key that was written under the lost master key.
  rmSync(join(dir, "keys", `${key().keyId}.json`));
  writeFileSync(join(dir, "aliases", `${Buffer.from("alias/a").toString("hex")}.json`), "{}");
  await expect(FileStore.open(dir)).rejects.toThrow(/is missing/);
});

test("a master key file that group or others may read is refused (not merely warned about)", async () => {
  await (await FileStore.open(dir)).close();
  for (const mode of [0o640, 0o604, 0o644]) {
    chmodSync(join(dir, "master.key"), mode);
    await expect(FileStore.open(dir)).rejects.toThrow(/may be read by group or others .*chmod 600/);
  }
  chmodSync(join(dir, "master.key"), 0o400);
  await (await FileStore.open(dir)).close();
});

test("leftover temporary files of an interrupted write are removed, not loaded; files kms-local did not name are left alone", async () => {
  const store = await FileStore.open(dir);
  await store.saveKey(key());
  await store.close();
  writeFileSync(join(dir, "keys", `.${key().keyId}.json.tmp-1-1`), "{ half written");
  const foreign = [".notes.tmp-mine", ".swp.tmp-1-1", "README.tmp-1-1", `.${key().keyId}.json.tmp-x-1`];
  for (const name of foreign) writeFileSync(join(dir, "keys", name), "someone else's");
  const loaded = await loadOnce();
  expect(loaded.keys).toHaveLength(1);
  expect(readdirSync(join(dir, "keys")).sort()).toEqual([`${key().keyId}.json`, ...foreign].sort());
});
