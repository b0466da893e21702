// An attestation document named on the command line: a file with the COSE_Sign1 bytes, or with their base64
// text (what `nitro-kms attest` prints), told apart by whether the whole file reads as base64.
import { readInputFile } from "./input-file.js";

/** An attestation document is at most 64 KiB; its base64 text a third more. */
const MAX_DOCUMENT_FILE_BYTES = 96 * 1024;

const BASE64_TEXT = /^[A-Za-z0-9+/]+={0,2}$/;

/** The document's bytes (not parsed: the caller parses or verifies them). */
export function readAttestationFile(file: string): Buffer {
  const bytes = readInputFile(file, MAX_DOCUMENT_FILE_BYTES, "an attestation document");
  const text = bytes.toString("latin1").trim();
  return BASE64_TEXT.test(text) && text.length % 4 === 0 ? Buffer.from(text, "base64") : bytes;
}
