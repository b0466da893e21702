// One kms-local per data directory, enforced by a kernel lock that dies with its holder: of many
// `kms-local` processes started at once on one directory (with a lock file left by a dead process in
// it), exactly one serves and every other exits refusing, every round; a refused process leaves the
// winner's lock alone; after the winner is killed with SIGKILL, the next round again has exactly one.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateKeyCommand, ListKeysCommand } from "official-client-kms";
import { killed, officialClient, spawnKmsLocal } from "./helpers";

const PROCESSES = 8;
const ROUNDS = 2;

test(`${PROCESSES} kms-local started at once on one directory: exactly one runs, every round, across kill -9`, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "kms-local-lock-"));
  writeFileSync(join(dataDir, "kms-local.lock"), "999999999"); // left by a process that is gone
  const created: string[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.all(Array.from({ length: PROCESSES }, () => spawnKmsLocal(["--data-dir", dataDir])));
      const winners = results.filter((r): r is { child: ChildProcess; endpoint: string } => "child" in r);
      const refusals = results.filter((r): r is { exitCode: number; stderr: string } => "exitCode" in r);
      expect({ round, winners: winners.length }).toEqual({ round, winners: 1 });
      for (const r of refusals) {
        expect(r.exitCode).toBe(1);
        // The pid is what the lock file says at that moment: a winner that has just taken the lock may not have
        // written its own yet, so the message may name none (or, for a moment, the one before).
        expect(r.stderr).toMatch(/data directory .* is in use by another kms-local( \(pid \d+\))?\n/);
      }
      const [winner] = winners;
      // The refused processes have exited; the winner still holds the directory, and serves what it had.
      const late = await spawnKmsLocal(["--data-dir", dataDir]);
      expect(late).toEqual({ exitCode: 1, stderr: expect.stringMatching(/in use by another kms-local/) });
      const client = officialClient(winner.endpoint);
      created.push((await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!);
      expect((await client.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyId).sort()).toEqual([...created].sort());
      client.destroy();
      await killed(winner.child);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
