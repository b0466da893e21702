// The store writes a change before it takes effect: a change whose write fails is not in memory (it would
// serve requests until a restart silently undid it), and changes to one key or alias land in order.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore } from "../src/file-store";
import { defaultKeyPolicy } from "../src/policy";
import { Store, StoredKey, type Persistence } from "../src/store";

const record = () => ({
  keyId: "0b7e7f8e-1111-4222-8333-944445555666",
  creationDate: 1_700_000_000_000,
  description: "",
  keyUsage: "ENCRYPT_DECRYPT" as const,
  keySpec: "SYMMETRIC_DEFAULT" as const,
  state: "Enabled" as const,
  policy: defaultKeyPolicy("111122223333"),
  tags: [],
  material: randomBytes(32),
});

/** A persistence whose writes succeed until `failing.now` is set. */
function persistence(failing = { now: false }, saveKey?: Persistence["saveKey"]): Persistence {
  const write = async () => {
    if (failing.now) throw new Error("ENOSPC");
  };
  return { load: async () => ({ keys: [], aliases: [] }), saveKey: saveKey ?? write, deleteKey: write, saveAlias: write, deleteAlias: write, close: async () => undefined };
}

test("a new key whose write fails is not in the store", async () => {
  const store = await Store.open(persistence({ now: true }));
  const key = new StoredKey(record());
  await expect(store.addKey(key)).rejects.toThrow("ENOSPC");
  expect(store.keys.has(key.record.keyId)).toBe(false);
});

test("a new key is in the store once its write has landed, not before", async () => {
  let land!: () => void;
  const store = await Store.open(persistence(undefined, () => new Promise<void>((resolve) => (land = resolve))));
  const key = new StoredKey(record());
  const put = store.addKey(key);
  await new Promise((r) => setImmediate(r));
  expect(store.keys.has(key.record.keyId)).toBe(false);
  land();
  await put;
  expect(store.keys.get(key.record.keyId)).toBe(key);
});

test("a failed write of a change to a key, an alias or a deletion leaves memory as it was", async () => {
  const failing = { now: false };
  const store = await Store.open(persistence(failing));
  const key = new StoredKey(record());
  await store.addKey(key);
  const alias = { aliasName: "alias/a", targetKeyId: key.record.keyId, creationDate: 1, lastUpdatedDate: 1 };
  await store.changeAlias("alias/a", () => alias);
  const before = key.record;

  failing.now = true;
  await expect(store.updateKey(key, (current) => ({ ...current, state: "Disabled", policy: "{}" }))).rejects.toThrow("ENOSPC");
  expect(key.record).toBe(before);
  await expect(store.changeAlias("alias/a", (current) => ({ ...current!, targetKeyId: "other" }))).rejects.toThrow("ENOSPC");
  await expect(store.changeAlias("alias/b", () => ({ ...alias, aliasName: "alias/b" }))).rejects.toThrow("ENOSPC");
  await expect(store.changeAlias("alias/a", () => null)).rejects.toThrow("ENOSPC");
  expect([...store.aliases.values()]).toEqual([alias]);
  await expect(store.removeKey(key.record.keyId)).rejects.toThrow("ENOSPC");
  expect(store.keys.get(key.record.keyId)).toBe(key);

  failing.now = false;
  await store.updateKey(key, (current) => ({ ...current, state: "Disabled" }));
  expect(key.record.state).toBe("Disabled");
});

test("a refused change (the function throws) writes nothing", async () => {
  let writes = 0;
  const store = await Store.open(persistence(undefined, async () => void writes++));
  const key = new StoredKey(record());
  await store.addKey(key);
  await expect(store.updateKey(key, () => {
    throw new Error("refused");
  })).rejects.toThrow("refused");
  expect(writes).toBe(1);
});

test("concurrent changes to one key each start from the last one's result, and the last is the one on disk", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kms-local-store-"));
  try {
    const store = await Store.open(await FileStore.open(dir));
    const key = new StoredKey(record());
    await store.addKey(key);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.updateKey(key, (current) => ({ ...current, description: `${current.description}${i},` }))));
    expect(key.record.description).toBe(Array.from({ length: 20 }, (_, i) => `${i},`).join(""));
    await store.close();
    const reopened = await Store.open(await FileStore.open(dir));
    expect(reopened.keys.get(key.record.keyId)!.record.description).toBe(key.record.description);
    expect(readdirSync(join(dir, "keys"))).toEqual([`${key.record.keyId}.json`]);
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("in memory only, a key is stored", async () => {
  const store = await Store.open(null);
  const key = new StoredKey(record());
  await store.addKey(key);
  expect(store.keys.get(key.record.keyId)).toBe(key);
});
