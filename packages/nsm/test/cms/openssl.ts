// The openssl CLI as an independent CMS producer: a recipient key and certificate whose
// subjectKeyIdentifier is SHA-256 of the SubjectPublicKeyInfo (as KMS addresses recipients), and
// `openssl cms -encrypt` with RSAES-OAEP SHA-256 / MGF1-SHA-256.
import { execFileSync } from "node:child_process";
import { createHash, createPrivateKey, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface OpensslRecipient {
  dir: string;
  privateKey: KeyObject;
  /** certificate whose SKI = SHA-256(SPKI): what KMS would address */
  kmsStyleCert: string;
  /** certificate of the same key with openssl's default SKI (SHA-1 of the key bits): a different rid */
  sha1SkiCert: string;
  cleanup(): void;
}

export function openssl(args: string[], input?: Uint8Array): Buffer {
  return execFileSync("openssl", args, { input, stdio: ["pipe", "pipe", "pipe"] });
}

export function makeRecipient(bits = 2048): OpensslRecipient {
  const dir = mkdtempSync(join(tmpdir(), "nsm-cms-"));
  const key = join(dir, "key.pem");
  openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${bits}`, "-out", key]);
  const spki = openssl(["pkey", "-in", key, "-pubout", "-outform", "DER"]);
  const ski = createHash("sha256").update(spki).digest("hex").toUpperCase().match(/../g)!.join(":");
  openssl(["req", "-new", "-key", key, "-subj", "/CN=enclave recipient", "-out", join(dir, "req.pem")]);
  const cert = (name: string, ext: string) => {
    writeFileSync(join(dir, `${name}.cnf`), `${ext}\n`);
    openssl(["x509", "-req", "-in", join(dir, "req.pem"), "-signkey", key, "-days", "1", "-extfile", join(dir, `${name}.cnf`), "-out", join(dir, `${name}.pem`)]);
    return join(dir, `${name}.pem`);
  };
  return {
    dir,
    privateKey: createPrivateKey(readFileSync(key)),
    kmsStyleCert: cert("kms", `subjectKeyIdentifier=${ski}`),
    sha1SkiCert: cert("sha1", "subjectKeyIdentifier=hash"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface EncryptOptions {
  keyid?: boolean;
  stream?: boolean;
  oaep?: boolean;
  cipher?: string;
}

/** `openssl cms -encrypt` of plaintext to the certificate's key, DER (BER) output. */
export function opensslEncrypt(cert: string, plaintext: Uint8Array, o: EncryptOptions = {}): Buffer {
  const args = ["cms", "-encrypt", "-binary", o.cipher ?? "-aes256", "-recip", cert];
  if (o.oaep !== false) args.push("-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-keyopt", "rsa_mgf1_md:sha256");
  if (o.keyid) args.push("-keyid");
  if (o.stream) args.push("-stream");
  args.push("-outform", "DER");
  return openssl(args, plaintext);
}
