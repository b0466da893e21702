// An independent test PKI made with the openssl CLI, and attestation documents encoded with cbor-x
// and signed with node:crypto, so that tests can feed the verifier validly signed documents whose
// fields or certificates are wrong in one precise way.
import { execFileSync } from "node:child_process";
import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Encoder } from "cbor-x";

const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[root_pathlen0]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[inter_no_certsign]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,digitalSignature
[inter_not_ca]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyCertSign
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = digitalSignature,nonRepudiation
[leaf_no_digitalsignature]
basicConstraints = critical,CA:FALSE
keyUsage = keyAgreement
[leaf_ca]
basicConstraints = critical,CA:TRUE
keyUsage = digitalSignature,keyCertSign
[leaf_unknown_critical]
basicConstraints = critical,CA:FALSE
keyUsage = digitalSignature
1.3.6.1.4.1.55555.1 = critical,ASN1:NULL
`;

export interface Issued {
  der: Buffer;
  key: KeyObject;
  keyPath: string;
  certPath: string;
}

export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), "nsm-pki-"));
  private serial = 1;
  constructor() {
    writeFileSync(join(this.dir, "pki.cnf"), CONFIG);
  }

  private openssl(args: string[]): void {
    execFileSync("openssl", args, { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] });
  }

  private newKey(name: string, curve: string): string {
    const path = join(this.dir, `${name}.key`);
    this.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`, "-out", path]);
    return path;
  }

  private load(name: string, keyPath: string, certPath: string): Issued {
    const pem = readFileSync(certPath, "utf8");
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
    return { der, key: createPrivateKey(readFileSync(keyPath)), keyPath, certPath };
  }

  root(name: string, section = "root"): Issued {
    const keyPath = this.newKey(name, "P-384");
    const certPath = join(this.dir, `${name}.pem`);
    this.openssl(["req", "-new", "-x509", "-key", keyPath, "-subj", `/CN=${name}`, "-days", "30", "-config", "pki.cnf", "-extensions", section, "-out", certPath]);
    return this.load(name, keyPath, certPath);
  }

  issue(name: string, issuer: Issued, section: string, curve = "P-384", keyPath = this.newKey(name, curve)): Issued {
    const csr = join(this.dir, `${name}.csr`);
    const certPath = join(this.dir, `${name}.pem`);
    this.openssl(["req", "-new", "-key", keyPath, "-subj", `/CN=${name}`, "-config", "pki.cnf", "-out", csr]);
    this.openssl(["x509", "-req", "-in", csr, "-CA", issuer.certPath, "-CAkey", issuer.keyPath, "-set_serial", String(this.serial++), "-days", "2", "-sha384", "-extfile", "pki.cnf", "-extensions", section, "-out", certPath]);
    return this.load(name, keyPath, certPath);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const encoder = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true } as never);
export const cbor = (value: unknown): Buffer => Buffer.from(encoder.encode(value));

export type Payload = Map<unknown, unknown>;

/** A payload shaped like a real NSM document, issued under `chain` (root first) with `leaf`. */
export function realisticPayload(chain: Issued[], leaf: Issued, timestamp = Date.now()): Payload {
  const pcrs = new Map<number, Buffer>();
  for (let i = 0; i < 16; i++) pcrs.set(i, Buffer.alloc(48, i < 3 ? 0x11 * (i + 1) : 0));
  return new Map<unknown, unknown>([
    ["module_id", "i-0123456789abcdef0-enc0123456789abcdef"],
    ["digest", "SHA384"],
    ["timestamp", BigInt(timestamp)], // a BigInt, or cbor-x would write a float64
    ["pcrs", pcrs],
    ["certificate", leaf.der],
    ["cabundle", chain.map((c) => c.der)],
    ["public_key", null],
    ["user_data", null],
    ["nonce", null],
  ]);
}

/** Definite map via cbor-x, or an indefinite-length map (0xbf ... 0xff) built from cbor-x entries. */
export function encodePayload(payload: Payload, indefinite = false): Buffer {
  if (!indefinite) return cbor(payload);
  return Buffer.concat([Buffer.from([0xbf]), ...[...payload].flatMap(([k, v]) => [cbor(k), cbor(v)]), Buffer.from([0xff])]);
}

export const ES384_PROTECTED = Buffer.from("a1013822", "hex");

/** COSE_Sign1 over `payloadBytes` exactly, signed with `key`; the Sig_structure is encoded by cbor-x. */
export function coseSign1(payloadBytes: Uint8Array, key: KeyObject, o: { protectedHeader?: Buffer; tagged?: boolean; signedPayload?: Uint8Array } = {}): Buffer {
  const protectedHeader = o.protectedHeader ?? ES384_PROTECTED;
  const toBeSigned = cbor(["Signature1", protectedHeader, Buffer.alloc(0), Buffer.from(o.signedPayload ?? payloadBytes)]);
  const signature = sign("sha384", toBeSigned, { key, dsaEncoding: "ieee-p1363" });
  const cose = cbor([protectedHeader, new Map(), Buffer.from(payloadBytes), signature]);
  return o.tagged ? Buffer.concat([Buffer.from([0xd2]), cose]) : cose;
}
