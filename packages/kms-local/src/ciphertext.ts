// The CiphertextBlob of a symmetric KMS key. Like KMS's own, it is opaque to callers but names the key
// that made it, so Decrypt needs no KeyId. Layout:
//   "KL" | version 0x01 | key id length (1 byte) | key id (ASCII) | IV (12) | AES-256-GCM ciphertext | tag (16)
// Everything before the IV, and the encryption context, is authenticated data: a blob cannot be moved to
// another key (the key id is bound, and another key's material would not open it anyway), and the wrong
// encryption context fails to decrypt.
import { createCipheriv, createDecipheriv, randomFillSync } from "node:crypto";

const MAGIC = Buffer.from([0x4b, 0x4c, 0x01]);
const IV_LEN = 12;
const TAG_LEN = 16;

/** Encryption context in a canonical form (sorted by key, length-prefixed UTF-8), for use as AAD. */
export function canonicalContext(context: Record<string, string> | undefined): Buffer {
  if (!context) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for (const k of Object.keys(context).sort()) {
    for (const s of [k, context[k]]) {
      const b = Buffer.from(s, "utf8");
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

/** The authenticated data of a blob: its header and the encryption context (if any). */
function aad(header: Buffer, context: Record<string, string> | undefined): Buffer {
  return context && Object.keys(context).length > 0 ? Buffer.concat([header, canonicalContext(context)]) : header;
}

export function sealBlob(keyId: string, material: Buffer, plaintext: Uint8Array, context?: Record<string, string>): Buffer {
  // One buffer, written in place: header | IV | ciphertext | tag.
  const headerLen = MAGIC.length + 1 + keyId.length;
  const out = Buffer.allocUnsafe(headerLen + IV_LEN + plaintext.length + TAG_LEN);
  MAGIC.copy(out, 0);
  out[MAGIC.length] = keyId.length;
  out.write(keyId, MAGIC.length + 1, "ascii");
  const iv = out.subarray(headerLen, headerLen + IV_LEN);
  randomFillSync(iv);
  const c = createCipheriv("aes-256-gcm", material, iv);
  c.setAAD(aad(out.subarray(0, headerLen), context));
  let at = headerLen + IV_LEN;
  at += c.update(plaintext).copy(out, at);
  at += c.final().copy(out, at);
  c.getAuthTag().copy(out, at);
  return out;
}

/** The key id a blob names, or null if the bytes are not a kms-local symmetric ciphertext. */
export function blobKeyId(blob: Buffer): string | null {
  if (blob.length < MAGIC.length + 1 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const idLen = blob[MAGIC.length];
  if (blob.length < MAGIC.length + 1 + idLen + IV_LEN + TAG_LEN) return null;
  return blob.toString("ascii", MAGIC.length + 1, MAGIC.length + 1 + idLen);
}

/** Opens a blob with the material of the key it names; null on any failure (no detail for callers). */
export function openBlob(blob: Buffer, material: Buffer, context?: Record<string, string>): Buffer | null {
  const keyId = blobKeyId(blob);
  if (keyId === null) return null;
  const headerLen = MAGIC.length + 1 + keyId.length;
  try {
    const d = createDecipheriv("aes-256-gcm", material, blob.subarray(headerLen, headerLen + IV_LEN));
    d.setAAD(aad(blob.subarray(0, headerLen), context));
    d.setAuthTag(blob.subarray(blob.length - TAG_LEN));
    return Buffer.concat([d.update(blob.subarray(headerLen + IV_LEN, blob.length - TAG_LEN)), d.final()]);
  } catch {
    return null;
  }
}
