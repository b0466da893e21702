// The store writes through to its persistence before a change is acknowledged: a key whose write
// failed must not be left in memory, serving requests until a restart loses it.
import { randomBytes } from "node:crypto";
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

function persistence(saveKey: Persistence["saveKey"]): Persistence {
  const done = async () => undefined;
  return { load: async () => ({ keys: [], aliases: [] }), saveKey, deleteKey: done, saveAlias: done, deleteAlias: done, close: done };
}

test("a new key whose write fails is not in the store", async () => {
  const store = await Store.open(persistence(() => Promise.reject(new Error("ENOSPC"))));
  const key = new StoredKey(record());
  await expect(store.addKey(key)).rejects.toThrow("ENOSPC");
  expect(store.keys.has(key.record.keyId)).toBe(false);
});

test("a new key is in the store once its write has landed, not before", async () => {
  let land!: () => void;
  const store = await Store.open(persistence(() => new Promise<void>((resolve) => (land = resolve))));
  const key = new StoredKey(record());
  const put = store.addKey(key);
  await Promise.resolve();
  expect(store.keys.has(key.record.keyId)).toBe(false);
  land();
  await put;
  expect(store.keys.get(key.record.keyId)).toBe(key);
});

test("in memory only, a key is stored", async () => {
  const store = await Store.open(null);
  const key = new StoredKey(record());
  await store.addKey(key);
  expect(store.keys.get(key.record.keyId)).toBe(key);
});
