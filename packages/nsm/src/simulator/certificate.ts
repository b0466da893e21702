// Issues the simulator's X.509 certificates: P-384 keys, ecdsa-with-SHA384, and the extensions real
// NSM chains carry (basicConstraints with pathLen, keyUsage, key identifiers). pkijs lays out the
// certificate; node:crypto signs the DER-encoded TBSCertificate.
import { createHash, randomBytes, sign, type KeyObject } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

const OID_ECDSA_WITH_SHA384 = "1.2.840.10045.4.3.3";

/** keyUsage bits (RFC 5280, 4.2.1.3). */
export const KeyUsage = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5, cRLSign: 6 } as const;

export interface NameParts {
  C?: string;
  ST?: string;
  L?: string;
  O?: string;
  OU?: string;
  CN: string;
}

export interface CertificateTemplate {
  subject: NameParts;
  /** The issuer's name, or the issuer's DER certificate (its subject name is copied byte for byte). */
  issuer: NameParts | Uint8Array;
  /** DER SubjectPublicKeyInfo of the subject's key. */
  publicKey: Uint8Array;
  /** The issuer's private key (the subject's own for a self-signed root). */
  signingKey: KeyObject;
  /** The issuer's subject key identifier, for the authorityKeyIdentifier extension. */
  authorityKeyId?: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** undefined = not a CA; null = CA without pathLen; a number = CA with that pathLen. */
  caPathLen?: number | null;
  keyUsage: number[];
  keyUsageCritical: boolean;
  /** Adds a subjectKeyIdentifier (SHA-1 of the public key bits). */
  subjectKeyId: boolean;
  serialNumber?: Uint8Array;
}

const NAME_OIDS: Record<keyof NameParts, string> = { C: "2.5.4.6", ST: "2.5.4.8", L: "2.5.4.7", O: "2.5.4.10", OU: "2.5.4.11", CN: "2.5.4.3" };

function name(parts: NameParts): pkijs.RelativeDistinguishedNames {
  // One attribute per RDN, as real certificates have (pkijs would put them all in one multi-valued RDN).
  const rdns = (Object.keys(NAME_OIDS) as (keyof NameParts)[])
    .filter((k) => parts[k] !== undefined)
    .map((k) => {
      const value = k === "C" ? new asn1js.PrintableString({ value: parts[k]! }) : new asn1js.Utf8String({ value: parts[k]! });
      return new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type: NAME_OIDS[k], value }).toSchema()] });
    });
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER(false));
}

function time(date: Date): pkijs.Time {
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return new pkijs.Time({ type: date.getUTCFullYear() < 2050 ? 0 : 1, value: date });
}

function keyUsageBits(bits: number[]): asn1js.BitString {
  let value = 0;
  for (const b of bits) value |= 0x80 >> b;
  let unused = 0;
  while (unused < 8 && !(value & (1 << unused))) unused++;
  return new asn1js.BitString({ valueHex: Uint8Array.of(value), unusedBits: unused === 8 ? 0 : unused });
}

/** The SHA-1 of the subjectPublicKey BIT STRING's contents (RFC 5280, 4.2.1.2, method 1). */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const info = pkijs.PublicKeyInfo.fromBER(spki);
  return new Uint8Array(createHash("sha1").update(info.subjectPublicKey.valueBlock.valueHexView).digest());
}

function positiveSerial(): Uint8Array {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive, and no leading zero byte to strip
  return new Uint8Array(serial);
}

function extension(extnID: string, critical: boolean, value: asn1js.BaseBlock): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

/** Returns the DER certificate. */
export function issueCertificate(t: CertificateTemplate): Uint8Array {
  const extensions: pkijs.Extension[] = [];
  if (t.caPathLen === undefined) {
    extensions.push(extension("2.5.29.19", true, new pkijs.BasicConstraints({}).toSchema()));
  } else {
    const bc = t.caPathLen === null ? new pkijs.BasicConstraints({ cA: true }) : new pkijs.BasicConstraints({ cA: true, pathLenConstraint: t.caPathLen });
    extensions.push(extension("2.5.29.19", true, bc.toSchema()));
  }
  if (t.authorityKeyId) {
    const aki = new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: t.authorityKeyId }) });
    extensions.push(extension("2.5.29.35", false, aki.toSchema()));
  }
  if (t.subjectKeyId) {
    extensions.push(extension("2.5.29.14", false, new asn1js.OctetString({ valueHex: keyIdentifier(t.publicKey) })));
  }
  extensions.push(extension("2.5.29.15", t.keyUsageCritical, keyUsageBits(t.keyUsage)));

  const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID_ECDSA_WITH_SHA384 });
  const certificate = new pkijs.Certificate({
    version: 2,
    serialNumber: new asn1js.Integer({ valueHex: t.serialNumber ?? positiveSerial() }),
    signature: algorithm,
    issuer: t.issuer instanceof Uint8Array ? pkijs.Certificate.fromBER(t.issuer).subject : name(t.issuer),
    subject: name(t.subject),
    notBefore: time(t.notBefore),
    notAfter: time(t.notAfter),
    subjectPublicKeyInfo: pkijs.PublicKeyInfo.fromBER(t.publicKey),
    extensions,
  });
  const tbs = new Uint8Array(certificate.encodeTBS().toBER(false));
  const signature = sign("sha384", tbs, { key: t.signingKey, dsaEncoding: "der" });
  certificate.tbsView = tbs;
  certificate.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID_ECDSA_WITH_SHA384 });
  certificate.signatureValue = new asn1js.BitString({ valueHex: signature });
  return new Uint8Array(certificate.toSchema(false).toBER(false));
}
