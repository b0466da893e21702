// Every mutating operation reaches the disk before it takes effect: on a data directory that is full (a
// small tmpfs) or turned read-only while kms-local runs, each change fails with KMSInternalException and
// leaves kms-local exactly as it was, through the official SDK with its default retries (a retried
// CreateAlias must not then meet an AlreadyExistsException for an alias that was never saved); once the
// disk takes writes again the same calls succeed, and a restart shows exactly what was acknowledged.
// Needs root (mount); as root it always runs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, openSync, closeSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateKeyCommand, DecryptCommand, DeleteAliasCommand, DescribeKeyCommand,
  DisableKeyCommand, EnableKeyCommand, EncryptCommand, GetKeyPolicyCommand, KMSClient, ListAliasesCommand, ListKeysCommand,
  PutKeyPolicyCommand, ScheduleKeyDeletionCommand, UpdateAliasCommand, UpdateKeyDescriptionCommand,
} from "official-client-kms";
import { KmsLocal } from "@nitro-enclaves-sdk/kms-local";
import { CREDENTIALS, REGION } from "./helpers";

const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

/** A client with the SDK's default retry behaviour (3 attempts, standard strategy: 5xx errors are retried). */
const defaultClient = (endpoint: string) => new KMSClient({ endpoint, region: REGION, credentials: CREDENTIALS });

const REVOKE_DECRYPT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" },
    { Effect: "Deny", Principal: "*", Action: "kms:Decrypt", Resource: "*" },
  ],
});

interface World {
  keys: string[];
  aliases: { name: string; target: string }[];
  described: Record<string, { state?: string; description?: string; policy?: string }>;
}

/** What kms-local answers about the keys and aliases of the test. */
async function observe(client: KMSClient, ids: string[]): Promise<World> {
  const keys = (await client.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.map((k) => k.KeyId!).sort();
  const aliases = (await client.send(new ListAliasesCommand({ Limit: 1000 }))).Aliases!.map((a) => ({ name: a.AliasName!, target: a.TargetKeyId! }));
  const described: World["described"] = {};
  for (const id of ids) {
    const meta = (await client.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!;
    described[id] = { state: meta.KeyState, description: meta.Description, policy: (await client.send(new GetKeyPolicyCommand({ KeyId: id }))).Policy };
  }
  return { keys, aliases, described };
}

const mount = (...args: string[]) => execFileSync("mount", args, { stdio: "pipe" });

asRoot("a data directory that stops taking writes", () => {
  let mnt: string;
  beforeEach(() => {
    mnt = mkdtempSync(join(tmpdir(), "kms-local-failed-writes-"));
    mount("-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", mnt);
  });
  afterEach(() => {
    execFileSync("umount", [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  /**
   * Sets up keys and aliases, stops the disk with `stop`, checks that every mutating operation fails and
   * changes nothing, restarts the disk with `restart`, and checks the same calls then succeed and persist.
   */
  async function scenario(stop: () => void, restart: () => void, deletesNeedSpace: boolean) {
    const dataDir = join(mnt, "data");
    let local = await KmsLocal.start({ dataDir, log: () => undefined });
    let client = defaultClient(local.endpoint);
    try {
      const create = async () => (await client.send(new CreateKeyCommand({ Description: "before" }))).KeyMetadata!.KeyId!;
      const [a, b, disabled, pending] = [await create(), await create(), await create(), await create()];
      await client.send(new CreateAliasCommand({ AliasName: "alias/a", TargetKeyId: a }));
      await client.send(new DisableKeyCommand({ KeyId: disabled }));
      await client.send(new ScheduleKeyDeletionCommand({ KeyId: pending, PendingWindowInDays: 7 }));
      const blob = (await client.send(new EncryptCommand({ KeyId: a, Plaintext: Buffer.from("kept") }))).CiphertextBlob!;
      const ids = [a, b, disabled, pending];
      const before = await observe(client, ids);

      const changes: [string, () => Promise<unknown>][] = [
        ["CreateKey", () => client.send(new CreateKeyCommand({}))],
        ["CreateAlias", () => client.send(new CreateAliasCommand({ AliasName: "alias/new", TargetKeyId: b }))],
        ["UpdateAlias", () => client.send(new UpdateAliasCommand({ AliasName: "alias/a", TargetKeyId: b }))],
        ["PutKeyPolicy", () => client.send(new PutKeyPolicyCommand({ KeyId: a, Policy: REVOKE_DECRYPT }))],
        ["UpdateKeyDescription", () => client.send(new UpdateKeyDescriptionCommand({ KeyId: a, Description: "after" }))],
        ["DisableKey", () => client.send(new DisableKeyCommand({ KeyId: b }))],
        ["EnableKey", () => client.send(new EnableKeyCommand({ KeyId: disabled }))],
        ["ScheduleKeyDeletion", () => client.send(new ScheduleKeyDeletionCommand({ KeyId: b, PendingWindowInDays: 7 }))],
        ["CancelKeyDeletion", () => client.send(new CancelKeyDeletionCommand({ KeyId: pending }))],
      ];
      // Removing a file takes no space, so a full disk still deletes; a read-only one does not.
      const deletion: [string, () => Promise<unknown>] = ["DeleteAlias", () => client.send(new DeleteAliasCommand({ AliasName: "alias/a" }))];
      if (deletesNeedSpace) changes.push(deletion);

      stop();
      for (const [name, call] of changes) {
        const outcome = await call().then(() => "succeeded", (e: Error & { $metadata?: { attempts?: number } }) => `${e.name} after ${e.$metadata?.attempts} attempts`);
        expect({ name, outcome }).toEqual({ name, outcome: "KMSInternalException after 3 attempts" });
      }
      // Nothing of it took effect: the revoked Decrypt still works, every key and alias is as it was.
      expect(Buffer.from((await client.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString()).toBe("kept");
      expect(await observe(client, ids)).toEqual(before);

      restart();
      for (const [name, call] of changes) {
        const outcome = await call().then(() => "succeeded", (e: Error) => e.name);
        expect({ name, outcome }).toEqual({ name, outcome: "succeeded" });
      }
      const after = await observe(client, ids);
      expect(after.aliases).toContainEqual({ name: "alias/new", target: b });
      expect(after.described[a]).toMatchObject({ description: "after", policy: REVOKE_DECRYPT });
      expect(after.described[b].state).toBe("PendingDeletion");
      expect(after.described[disabled].state).toBe("Enabled");
      expect(after.described[pending].state).toBe("Disabled");
      expect(after.keys).toHaveLength(ids.length + 1);

      client.destroy();
      await local.close();
      local = await KmsLocal.start({ dataDir, log: () => undefined });
      client = defaultClient(local.endpoint);
      expect(await observe(client, ids)).toEqual(after);
    } finally {
      client.destroy();
      await local.close();
    }
  }

  test("full: every write fails for want of space", async () => {
    const filler = join(mnt, "filler");
    await scenario(
      () => {
        const fd = openSync(filler, "w");
        try {
          for (const chunk = Buffer.alloc(4096, 1); ; ) writeSync(fd, chunk);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
        } finally {
          closeSync(fd);
        }
      },
      () => rmSync(filler),
      false,
    );
  });

  test("turned read-only while kms-local runs: every change fails, deletions too", async () => {
    await scenario(() => mount("-o", "remount,ro", mnt), () => mount("-o", "remount,rw", mnt), true);
  });
});
