// Files that are either there whole or not at all: written beside their final name, flushed to the disk,
// then moved into place (rename replaces; link refuses to), and the directory flushed so the new name
// survives a crash. A write that fails leaves the old file as it was. Temporary names start with a dot,
// which no record name does.
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Writes `data` to `file`, replacing what was there. */
export function replaceFile(file: string, data: Uint8Array): void {
  place(file, data, (aside) => renameSync(aside, file));
}

/** Writes `data` to `file` unless the file exists; false if it did (someone else's is kept). */
export function createFileOnce(file: string, data: Uint8Array): boolean {
  let created = true;
  place(file, data, (aside) => {
    try {
      linkSync(aside, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      created = false;
    }
  });
  return created;
}

function place(file: string, data: Uint8Array, move: (aside: string) => void): void {
  const aside = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const fd = openSync(aside, "wx", 0o600);
    try {
      for (let done = 0; done < data.length; ) done += writeSync(fd, data, done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    move(aside);
    syncDirectory(dirname(file));
  } finally {
    rmSync(aside, { force: true });
  }
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
