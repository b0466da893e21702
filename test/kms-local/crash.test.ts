// Persistence under kill -9: a kms-local with --data-dir is killed (SIGKILL) while clients are creating
// keys, encrypting, aliasing and disabling; restarted on the same directory, every change it had
// acknowledged is there: each acknowledged key exists and decrypts what it encrypted.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, EnableKeyCommand, EncryptCommand, KMSClient,
} from "official-client-kms";
import { killed, officialClient, spawnKmsLocal } from "./helpers";

async function start(dataDir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const started = await spawnKmsLocal(["--data-dir", dataDir]);
  if ("exitCode" in started) throw new Error(`kms-local exited (${started.exitCode}): ${started.stderr}`);
  return started;
}

interface Acked {
  keyId: string;
  blob?: Uint8Array;
  alias?: string;
  /** DisableKey was sent (it may have been applied without the answer arriving). */
  disabling?: boolean;
  /** DisableKey was acknowledged. */
  disabled?: boolean;
}

/** One client's loop: create a key, encrypt under it, sometimes alias or disable it; record what was acknowledged. */
async function worker(client: KMSClient, id: number, acked: Acked[], stop: { now: boolean }) {
  for (let i = 0; !stop.now; i++) {
    try {
      const keyId = (await client.send(new CreateKeyCommand({ Description: `w${id}-${i}` }))).KeyMetadata!.KeyId!;
      const entry: Acked = { keyId };
      acked.push(entry);
      entry.blob = (await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(keyId), EncryptionContext: { w: String(id) } }))).CiphertextBlob;
      if (i % 3 === 0) {
        await client.send(new CreateAliasCommand({ AliasName: `alias/w${id}-${i}`, TargetKeyId: keyId }));
        entry.alias = `alias/w${id}-${i}`;
      }
      if (i % 5 === 4) {
        entry.disabling = true;
        await client.send(new DisableKeyCommand({ KeyId: keyId }));
        entry.disabled = true;
      }
    } catch {
      return; // the server was killed under us: whatever was not acknowledged may be lost
    }
  }
}

test("kill -9 during writes loses nothing that was acknowledged", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "kms-local-crash-"));
  try {
    const acked: Acked[] = [];
    for (let round = 0; round < 2; round++) {
      const { child, endpoint } = await start(dataDir);
      const stop = { now: false };
      const clients = Array.from({ length: 4 }, () => officialClient(endpoint));
      const work = clients.map((c, i) => worker(c, round * 10 + i, acked, stop));
      const target = acked.length + 40;
      while (acked.length < target) await new Promise((r) => setTimeout(r, 5));
      await killed(child); // mid-flight: requests are being written right now
      stop.now = true;
      await Promise.all(work);
      for (const c of clients) c.destroy();
    }

    const { child, endpoint } = await start(dataDir);
    const client = officialClient(endpoint);
    try {
      expect(acked.length).toBeGreaterThanOrEqual(80);
      for (const a of acked) {
        const meta = (await client.send(new DescribeKeyCommand({ KeyId: a.keyId }))).KeyMetadata!;
        if (a.disabled) expect(meta.KeyState).toBe("Disabled");
        if (meta.KeyState === "Disabled") {
          expect(a.disabling).toBe(true); // never disabled unless asked
          await client.send(new EnableKeyCommand({ KeyId: a.keyId }));
        }
        if (a.blob) {
          const w = /^w(\d+)-/.exec(meta.Description!)![1];
          const d = await client.send(new DecryptCommand({ CiphertextBlob: a.blob, EncryptionContext: { w } }));
          expect(Buffer.from(d.Plaintext!).toString()).toBe(a.keyId);
        }
        if (a.alias) expect((await client.send(new DescribeKeyCommand({ KeyId: a.alias }))).KeyMetadata!.KeyId).toBe(a.keyId);
      }
      // Unfinished temporary files from the crashes were cleaned up at start.
      for (const sub of ["keys", "aliases"]) expect(readdirSync(join(dataDir, sub)).filter((f) => f.includes(".tmp-"))).toEqual([]);
      // Key material is encrypted at rest: no file holds a key's 32 raw bytes in base64 under a "material" that decodes to 32 bytes.
      const someKey = JSON.parse(readFileSync(join(dataDir, "keys", `${acked[0].keyId}.json`), "utf8"));
      expect(Buffer.from(someKey.material, "base64").length).toBe(12 + 32 + 16);
    } finally {
      client.destroy();
      await killed(child);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
