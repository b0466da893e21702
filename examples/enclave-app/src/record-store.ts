// Sealed records in DATA_DIR/records, one file per record, named as the record. The data key is held as a
// KeyObject (no copy of its bytes stays in this process's buffers); records are sealed before they reach
// the disk and opened only in answer to a request.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { KeyObject } from "node:crypto";
import { replaceFile } from "./durable-file.js";
import { BadRecordNameError, RecordNotFoundError, RecordTooLargeError, StorageError } from "./errors.js";
import { openRecord, sealRecord } from "./sealed-record.js";

/** The largest record the app keeps (1 MiB). */
export const MAX_RECORD_BYTES = 1024 * 1024;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export class RecordStore {
  readonly #key: KeyObject;
  readonly #directory: string;

  constructor(key: KeyObject, dataDir: string) {
    this.#key = key;
    this.#directory = join(dataDir, "records");
    try {
      mkdirSync(this.#directory, { recursive: true, mode: 0o700 });
    } catch (cause) {
      throw new StorageError(`cannot create ${this.#directory} (${(cause as NodeJS.ErrnoException).code ?? "error"})`, { cause });
    }
  }

  put(name: string, record: Uint8Array): void {
    const file = this.#file(name);
    if (record.length > MAX_RECORD_BYTES) throw new RecordTooLargeError(`a record may hold at most ${MAX_RECORD_BYTES} bytes`);
    try {
      replaceFile(file, sealRecord(this.#key, name, record));
    } catch (cause) {
      throw new StorageError(`cannot write the record (${(cause as NodeJS.ErrnoException).code ?? "error"}); nothing was changed`, { cause });
    }
  }

  get(name: string): Buffer {
    const file = this.#file(name);
    let sealed: Buffer;
    try {
      sealed = readFileSync(file);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") throw new RecordNotFoundError("no record of that name");
      throw new StorageError(`cannot read the record (${(cause as NodeJS.ErrnoException).code ?? "error"})`, { cause });
    }
    return openRecord(this.#key, name, sealed);
  }

  #file(name: string): string {
    checkRecordName(name);
    return join(this.#directory, name);
  }
}

/** BadRecordNameError unless `name` is 1-64 characters of A-Z, a-z, 0-9, "-" and "_" (so never a path). */
export function checkRecordName(name: string): void {
  if (!NAME.test(name)) throw new BadRecordNameError('a record name is 1-64 characters of A-Z, a-z, 0-9, "-" and "_"');
}
