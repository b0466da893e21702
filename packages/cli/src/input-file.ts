// Reading a file named on the command line: bounded in size (a wrong path to a large file fails fast
// instead of filling memory), and every failure an InputFileError that names the file.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputFileError } from "./errors.js";

export function readInputFile(file: string, maxBytes: number, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw new InputFileError(file, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputFileError(file, "not a regular file");
    // One byte more than allowed, to tell "at the limit" from "over it" whatever the size said.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n;
    if (length > maxBytes) throw new InputFileError(file, `over ${maxBytes} bytes, too large for ${what}`);
    return buffer.subarray(0, length);
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw new InputFileError(file, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  } finally {
    closeSync(fd);
  }
}

/** A text file: UTF-8 (a byte order mark is dropped), or an InputFileError. */
export function readTextFile(file: string, maxBytes: number, what: string): string {
  const bytes = readInputFile(file, maxBytes, what);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InputFileError(file, `not UTF-8 text, so not ${what}`);
  }
}
