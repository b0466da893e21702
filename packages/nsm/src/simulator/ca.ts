// The simulator's root of trust: a self-signed P-384 CA. Several simulated enclaves and a separately
// started kms-local can share one root by saving it with toPem() and loading it with fromPem() (or
// loadOrCreateSimulatorCa(file)). Verifiers only need `certificate` / `certificatePem`.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { isWellFormedText, ownOptions } from "../arguments.js";
import { SimulatorCaError } from "../errors.js";
import { issueCertificate, keyIdentifier, KeyUsage, type NameParts } from "./certificate.js";

const DAY = 86_400_000;

export interface SimulatorCaOptions {
  /** Start of the root's validity; default: one day ago. */
  notBefore?: Date;
  /** End of the root's validity; default: 30 years after notBefore (like the AWS root). */
  notAfter?: Date;
  /** The root's common name; default "simulator.nitro-enclaves". */
  commonName?: string;
}

export const SIMULATOR_ORGANIZATION: Omit<NameParts, "CN"> = { C: "US", O: "Nitro Enclaves SDK", OU: "Simulated NSM" };

function pemBlock(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function pemBlocks(text: string, label: string): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+?)-----END ${label}-----`, "g");
  return [...text.matchAll(re)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")));
}

export class SimulatorCa {
  /** The root certificate, DER. Trust this (and only this) to verify the simulator's documents. */
  readonly certificate: Uint8Array;
  /** The root's subject key identifier. */
  readonly keyId: Uint8Array;
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly #key: KeyObject;

  private constructor(certificate: Uint8Array, key: KeyObject) {
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(certificate);
    } catch (cause) {
      throw new SimulatorCaError("the CA certificate cannot be parsed", { cause });
    }
    if (!x509.ca) throw new SimulatorCaError("the CA certificate is not a CA certificate");
    if (key.type !== "private" || key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "secp384r1") {
      throw new SimulatorCaError("the CA key must be a P-384 private key");
    }
    const certKey = x509.publicKey.export({ type: "spki", format: "der" });
    const ownKey = createPublicKey(key).export({ type: "spki", format: "der" });
    if (!certKey.equals(ownKey)) throw new SimulatorCaError("the CA private key does not match its certificate");
    if (!x509.verify(x509.publicKey)) throw new SimulatorCaError("the CA certificate is not self-signed by its key");
    this.certificate = Uint8Array.from(certificate);
    this.keyId = keyIdentifier(new Uint8Array(certKey));
    this.commonName = /^CN=(.*)$/m.exec(x509.subject)?.[1] ?? "";
    this.notBefore = new Date(x509.validFrom);
    this.notAfter = new Date(x509.validTo);
    this.#key = key;
  }

  static create(options?: SimulatorCaOptions): SimulatorCa {
    const o = ownOptions(options, ["notBefore", "notAfter", "commonName"], (message) => new SimulatorCaError(message), "SimulatorCa options");
    if (o.notBefore !== undefined && !isCertificateDate(o.notBefore)) throw new SimulatorCaError("notBefore must be a valid Date between 1950 and 9999");
    if (o.notAfter !== undefined && !isCertificateDate(o.notAfter)) throw new SimulatorCaError("notAfter must be a valid Date between 1950 and 9999");
    if (o.commonName !== undefined && !(isWellFormedText(o.commonName) && o.commonName.length >= 1 && o.commonName.length <= 64)) {
      throw new SimulatorCaError("commonName must be well-formed text of 1 to 64 characters");
    }
    const notBefore = (o.notBefore as Date | undefined) ?? new Date(Math.floor(Date.now() / 1000) * 1000 - DAY);
    const notAfter = (o.notAfter as Date | undefined) ?? new Date(Math.min(notBefore.getTime() + 30 * 365 * DAY, LATEST_CERTIFICATE_DATE));
    if (!(notBefore < notAfter)) throw new SimulatorCaError("notBefore must be before notAfter");
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    const subject = { ...SIMULATOR_ORGANIZATION, CN: (o.commonName as string | undefined) ?? "simulator.nitro-enclaves" };
    const certificate = issueCertificate({
      subject,
      issuer: subject,
      publicKey: spki,
      signingKey: privateKey,
      notBefore,
      notAfter,
      caPathLen: null,
      keyUsage: [KeyUsage.digitalSignature, KeyUsage.keyCertSign, KeyUsage.cRLSign],
      keyUsageCritical: true,
      subjectKeyId: true,
    });
    return new SimulatorCa(certificate, privateKey);
  }

  /** Loads a CA saved with toPem(): a CERTIFICATE block and a PKCS#8 PRIVATE KEY block. */
  static fromPem(pem: string): SimulatorCa {
    if (typeof pem !== "string") throw new SimulatorCaError("fromPem needs the PEM text");
    const certs = pemBlocks(pem, "CERTIFICATE");
    const keys = pemBlocks(pem, "PRIVATE KEY");
    if (certs.length !== 1 || keys.length !== 1) {
      throw new SimulatorCaError("the PEM must hold exactly one CERTIFICATE and one PRIVATE KEY block");
    }
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: Buffer.from(keys[0]!), format: "der", type: "pkcs8" });
    } catch (cause) {
      throw new SimulatorCaError("the CA private key cannot be parsed", { cause });
    }
    return new SimulatorCa(certs[0]!, key);
  }

  /** The root certificate as PEM: what a verifier or kms-local needs to trust the simulator. */
  get certificatePem(): string {
    return pemBlock("CERTIFICATE", this.certificate);
  }

  /** Certificate and private key as PEM. The key signs every simulated document: keep the file private. */
  toPem(): string {
    return this.certificatePem + pemBlock("PRIVATE KEY", new Uint8Array(this.#key.export({ type: "pkcs8", format: "der" })));
  }

  /** @internal signs certificates issued directly under the root. */
  get signingKey(): KeyObject {
    return this.#key;
  }

  toJSON(): { certificate: string } {
    return { certificate: this.certificatePem };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `SimulatorCa { subject: ${JSON.stringify(this.commonName)}, notAfter: ${this.notAfter.toISOString()} }`;
  }
}

/** UTCTime and GeneralizedTime (RFC 5280) cover 1950-01-01 to 9999-12-31. */
const EARLIEST_CERTIFICATE_DATE = Date.UTC(1950, 0, 1);
const LATEST_CERTIFICATE_DATE = Date.UTC(9999, 11, 31, 23, 59, 59);

function isCertificateDate(value: unknown): value is Date {
  if (!(value instanceof Date)) return false;
  const ms = value.getTime();
  return ms >= EARLIEST_CERTIFICATE_DATE && ms <= LATEST_CERTIFICATE_DATE;
}

export function createSimulatorCa(options?: SimulatorCaOptions): SimulatorCa {
  return SimulatorCa.create(options);
}

/**
 * Loads the CA from `file`, or creates one and saves it there (mode 0600, in a folder created
 * with mode 0700 when missing) when the file does not exist. Safe when several processes start at once: the file appears whole (written aside, then
 * hard-linked into place), and a process that loses the race loads the winner's CA.
 */
export function loadOrCreateSimulatorCa(file: string, options?: SimulatorCaOptions): SimulatorCa {
  if (typeof file !== "string" || file.length === 0 || file.includes("\0")) throw new SimulatorCaError("loadOrCreateSimulatorCa needs a file path");
  try {
    if (existsSync(file)) return SimulatorCa.fromPem(readFileSync(file, "utf8"));
    const ca = SimulatorCa.create(options);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 }); // e.g. ".nitro/simulator-ca.pem" in a fresh checkout
    const aside = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    writeFileSync(aside, ca.toPem(), { mode: 0o600, flag: "wx" });
    try {
      chmodSync(aside, 0o600);
      linkSync(aside, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      return SimulatorCa.fromPem(readFileSync(file, "utf8"));
    } finally {
      unlinkSync(aside);
    }
    return ca;
  } catch (error) {
    if (error instanceof SimulatorCaError) throw error;
    const code = (error as NodeJS.ErrnoException)?.code ?? "error";
    throw new SimulatorCaError(`cannot load or save the simulator CA at ${file} (${code})`, { cause: error });
  }
}
