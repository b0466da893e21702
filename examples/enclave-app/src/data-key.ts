// The app's data key: made once by KMS (GenerateDataKey), kept on disk only as the CiphertextBlob KMS
// wrapped it in, and recovered from that blob at every later start (Decrypt). Both calls carry the
// enclave's attestation document (the client's enclaveRecipient plugin), so KMS releases the key only to
// an image its key policy names, encrypted to this process's handle; the parent relaying the traffic
// never sees it. The blob is written to disk before the key is used, so no record is ever sealed with a
// key that could not be recovered.
import { createSecretKey, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from "@nitro-enclaves-sdk/client-kms";
import { createFileOnce } from "./durable-file.js";
import { DataKeyError } from "./errors.js";
import type { Log } from "./log.js";

/** Where the wrapped data key is kept, in DATA_DIR. */
export const DATA_KEY_FILE = "data-key.bin";
/** Bound to the data key by KMS: Decrypt needs the same pairs, and the key policy can require them. */
export const ENCRYPTION_CONTEXT: Readonly<Record<string, string>> = Object.freeze({ app: "enclave-app" });
const KEY_BYTES = 32;

export async function loadOrCreateDataKey(kms: KMSClient, keyId: string, dataDir: string, log: Log): Promise<KeyObject> {
  const file = join(dataDir, DATA_KEY_FILE);
  const EncryptionContext = { ...ENCRYPTION_CONTEXT };
  let blob = readBlob(file);
  if (blob === undefined) {
    const { Plaintext, CiphertextBlob } = await call("GenerateDataKey", () => kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", EncryptionContext })));
    if (!CiphertextBlob?.length) throw new DataKeyError("KMS answered GenerateDataKey without a CiphertextBlob");
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      if (createFileOnce(file, CiphertextBlob)) {
        log(`data key: new, from KMS key ${keyId}; wrapped copy kept in ${file}`);
        return keyFrom(Plaintext);
      }
    } catch (cause) {
      wipe(Plaintext);
      throw new DataKeyError(`cannot keep the wrapped data key in ${file} (${(cause as NodeJS.ErrnoException).code ?? "error"})`, { cause });
    }
    // Another instance on the same directory kept its key first: use that one.
    wipe(Plaintext);
    blob = readBlob(file)!;
  }
  const { Plaintext } = await call("Decrypt", () => kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: keyId, EncryptionContext })));
  log(`data key: recovered from ${file} through KMS Decrypt`);
  return keyFrom(Plaintext);
}

function readBlob(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DataKeyError(`cannot read the wrapped data key ${file} (${(cause as NodeJS.ErrnoException).code ?? "error"})`, { cause });
  }
}

/** Runs a KMS call; its failure becomes a DataKeyError naming the operation and KMS's (or the egress's) error. */
async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (cause) {
    const { name, code, message } = cause as { name?: string; code?: string; message?: string };
    throw new DataKeyError(`KMS ${operation} failed: ${code ?? name ?? "Error"}: ${message ?? ""}`.trimEnd(), { cause });
  }
}

/** The data key as a KeyObject; the bytes KMS's answer held are wiped. */
function keyFrom(plaintext: Uint8Array | undefined): KeyObject {
  if (plaintext?.length !== KEY_BYTES) {
    wipe(plaintext);
    throw new DataKeyError(`KMS answered with a data key of ${plaintext?.length ?? 0} bytes, not ${KEY_BYTES}`);
  }
  const key = createSecretKey(plaintext);
  wipe(plaintext);
  return key;
}

const wipe = (bytes: Uint8Array | undefined) => bytes?.fill(0);
