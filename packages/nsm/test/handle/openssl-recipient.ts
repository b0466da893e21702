// Test helper: KMS-shaped CiphertextForRecipient made by the openssl CLI for any RSA public key (no
// private key needed): a throwaway certificate carries the key with subjectKeyIdentifier =
// SHA-256(SPKI), the identifier KMS uses, and `openssl cms -encrypt -keyid` addresses it by that.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const run = (args: string[], input?: Uint8Array) => execFileSync("openssl", args, { input, stdio: ["pipe", "pipe", "pipe"] });

export function encryptTo(spkiDer: Uint8Array, plaintext: Uint8Array, stream = false): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "nsm-handle-"));
  try {
    const pub = join(dir, "pub.der");
    writeFileSync(pub, spkiDer);
    run(["pkey", "-pubin", "-inform", "DER", "-in", pub, "-out", join(dir, "pub.pem")]);
    run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", join(dir, "signer.pem")]);
    const ski = createHash("sha256").update(spkiDer).digest("hex").match(/../g)!.join(":");
    writeFileSync(join(dir, "ext.cnf"), `subjectKeyIdentifier=${ski}\n`);
    run(["x509", "-new", "-subj", "/CN=recipient", "-key", join(dir, "signer.pem"), "-force_pubkey", join(dir, "pub.pem"), "-days", "1", "-extfile", join(dir, "ext.cnf"), "-out", join(dir, "cert.pem")]);
    const args = ["cms", "-encrypt", "-binary", "-aes256", "-recip", join(dir, "cert.pem"), "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-keyopt", "rsa_mgf1_md:sha256", "-keyid", "-outform", "DER"];
    if (stream) args.push("-stream");
    return run(args, plaintext);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function opensslKeyBits(spkiDer: Uint8Array): number {
  const text = run(["pkey", "-pubin", "-inform", "DER", "-noout", "-text"], spkiDer).toString();
  return Number(/Public-Key: \((\d+) bit\)/.exec(text)![1]);
}
