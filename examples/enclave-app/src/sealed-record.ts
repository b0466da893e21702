// A record sealed with the data key: AES-256-GCM with a random 96-bit IV, the record's name
// authenticated with it, so a sealed record copied under another name does not open.
//
//   byte 0        format version, 1
//   bytes 1-12    IV
//   bytes 13..-16 ciphertext (as long as the record)
//   last 16 bytes GCM tag
//   associated data: the version byte, then the name in UTF-8
import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from "node:crypto";
import { RecordUnreadableError } from "./errors.js";

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;

const associatedData = (name: string) => Buffer.concat([Buffer.of(VERSION), Buffer.from(name, "utf8")]);

export function sealRecord(key: KeyObject, name: string, record: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(name));
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.update(record), cipher.final(), cipher.getAuthTag()]);
}

/** The record, or RecordUnreadableError (always the same message) if the bytes do not open as `name` under `key`. */
export function openRecord(key: KeyObject, name: string, sealed: Uint8Array): Buffer {
  if (sealed.length < HEADER_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new RecordUnreadableError();
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(1, HEADER_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(name));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch (cause) {
    throw new RecordUnreadableError({ cause });
  }
}
