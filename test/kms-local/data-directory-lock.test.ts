// One kms-local per data directory, enforced by a kernel lock that dies with its holder: of many
// `kms-local` processes started at once on one directory (with a lock file left by a dead process in
// it), exactly one serves and every other exits refusing, every round; a refused process leaves the
// winner's lock alone; after the winner is killed with SIGKILL, the next round again has exactly one.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateKeyCommand, ListKeysCommand } from "official-client-kms";
import { officialClient } from "./helpers";

const bin = join(__dirname, "..", "..", "packages", "kms-local", "bin", "kms-local.js");
const PROCESSES = 8;
const ROUNDS = 2;

type Started = { child: ChildProcess; endpoint: string } | { refused: string };

function start(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [bin, "--port", "0", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`kms-local neither started nor exited: ${err}`)), 30_000);
    child.stderr!.on("data", (d) => (err += d));
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 1) resolve({ refused: err });
      else reject(new Error(`kms-local exited with ${code}: ${err}`));
    });
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve({ child, endpoint: m[1] });
      }
    });
  });
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });

test(`${PROCESSES} kms-local started at once on one directory: exactly one runs, every round, across kill -9`, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "kms-local-lock-"));
  writeFileSync(join(dataDir, "kms-local.lock"), "999999999"); // left by a process that is gone
  const created: string[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.all(Array.from({ length: PROCESSES }, () => start(dataDir)));
      const winners = results.filter((r): r is { child: ChildProcess; endpoint: string } => "child" in r);
      const refusals = results.filter((r): r is { refused: string } => "refused" in r);
      expect({ round, winners: winners.length }).toEqual({ round, winners: 1 });
      for (const r of refusals) expect(r.refused).toMatch(/data directory .* is in use by another kms-local \(pid \d+\)/);
      const [winner] = winners;
      // The refused processes have exited; the winner still holds the directory, and serves what it had.
      const late = await start(dataDir);
      expect(late).toEqual({ refused: expect.stringMatching(/in use by another kms-local/) });
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
