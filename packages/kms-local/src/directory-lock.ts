// The lock that gives one kms-local a data directory: flock(LOCK_EX | LOCK_NB) on <dir>/kms-local.lock,
// held on an open file descriptor for as long as the store is open. The kernel releases it when the
// descriptor is closed or the process ends in any way (kill -9 included), so there is no stale lock to
// judge and no process id to trust (ids are per PID namespace: a container's PID 1 is not another's).
// The lock file itself is never deleted: deleting it would let a second process lock a new file of
// the same name while the first still holds the old one. It holds the owner's pid, for people to read.
//
// flock is reached through @nitro-enclaves-sdk/native, which loads ffi-rs on first use.
import { promises as fs, constants as fsc } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { EWOULDBLOCK, LOCK_EX, LOCK_NB, errnoName, libc, type Libc, type SyscallResult } from "@nitro-enclaves-sdk/native";
import { KmsLocalConfigError } from "./errors.js";

/** flock(fd, LOCK_EX | LOCK_NB): true if taken, false if another open file holds it. */
async function tryLock(fd: number): Promise<boolean> {
  let c: Libc;
  try {
    c = await libc();
  } catch (cause) {
    throw new KmsLocalConfigError("cannot lock the data directory: ffi-rs (which reaches flock) cannot be loaded", { cause });
  }
  let r: SyscallResult;
  try {
    r = c.flock(fd, LOCK_EX | LOCK_NB);
  } catch (cause) {
    throw new KmsLocalConfigError(`cannot lock the data directory: bad file descriptor ${fd}`, { cause });
  }
  if (r.value === 0) return true;
  if (r.errno === EWOULDBLOCK) return false;
  throw new KmsLocalConfigError(`cannot lock the data directory: flock failed (${errnoName(r.errno)})`);
}

const LOCK_FILE = "kms-local.lock";

export class DirectoryLock {
  private constructor(private handle: FileHandle | undefined) {}

  /** Takes the directory, or throws a KmsLocalConfigError naming the pid of the kms-local that has it. */
  static async acquire(dataDir: string): Promise<DirectoryLock> {
    const path = join(dataDir, LOCK_FILE);
    let handle: FileHandle;
    try {
      // Read-only: a descriptor open for writing would keep the file system from being remounted read-only.
      handle = await fs.open(path, fsc.O_RDONLY | fsc.O_CREAT, 0o600);
    } catch (e) {
      throw new KmsLocalConfigError(`cannot lock data directory ${dataDir}`, { cause: e });
    }
    let taken = false;
    try {
      taken = await tryLock(handle.fd);
    } finally {
      if (!taken) await handle.close();
    }
    if (!taken) {
      const owner = (await fs.readFile(path, "utf8").catch(() => "")).trim();
      throw new KmsLocalConfigError(`data directory ${dataDir} is in use by another kms-local${/^\d+$/.test(owner) ? ` (pid ${owner})` : ""}`);
    }
    // Only the holder writes the file; its content is information, the lock is the descriptor.
    await fs.writeFile(path, `${process.pid}\n`).catch(() => undefined);
    return new DirectoryLock(handle);
  }

  /** Lets the directory go (closing the descriptor releases the lock); the file stays. */
  async release(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
