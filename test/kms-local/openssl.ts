// The openssl CLI as independent truth for CiphertextForRecipient: `openssl cms -decrypt -inform DER`.
import { execFileSync } from "node:child_process";
import type { KeyObject } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function opensslCmsDecrypt(der: Uint8Array, privateKey: KeyObject): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "kms-local-cms-"));
  try {
    writeFileSync(join(dir, "in.der"), der);
    writeFileSync(join(dir, "key.pem"), privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    return execFileSync("openssl", ["cms", "-decrypt", "-binary", "-inform", "DER", "-in", join(dir, "in.der"), "-inkey", join(dir, "key.pem")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl asn1parse` outline of a DER/BER blob: depth, header and tag of every element, without offsets or values. */
export function asn1Outline(der: Uint8Array): string[] {
  const dir = mkdtempSync(join(tmpdir(), "kms-local-asn1-"));
  try {
    writeFileSync(join(dir, "in.der"), der);
    const out = execFileSync("openssl", ["asn1parse", "-inform", "DER", "-in", join(dir, "in.der"), "-i"], { encoding: "utf8" });
    return out
      .trim()
      .split("\n")
      .map((line) => line.replace(/^\s*\d+:/, "").replace(/l=\s*\d+/, "l=N").replace(/\[HEX DUMP\]:[0-9A-F]+/, "").replace(/:[0-9A-F]{2}$/, (m) => m).trimEnd());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
