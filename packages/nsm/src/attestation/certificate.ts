// What the chain check needs from one X.509 certificate: node:crypto's X509Certificate (signature
// checks, issuer matching, the public key) plus the validity period, basicConstraints, keyUsage and
// critical extensions, read with the package's BER reader (../asn1/ber.ts: one strict decode, then a
// direct walk of the fields used).
// Parsing is a pure function of the DER bytes, so results are cached by those exact bytes; nothing
// time- or policy-dependent is cached here.
import { X509Certificate, type KeyObject } from "node:crypto";
import { CertificateChainError } from "../errors.js";
import { BerShapeError, CONTEXT, TAG_BOOLEAN, TAG_OCTET_STRING, UNIVERSAL, bitString, boolean, children, decodeBer, isTag, octets, oid, sequence, smallInteger, time } from "../asn1/ber.js";

export interface CertificateInfo {
  x509: X509Certificate;
  publicKey: KeyObject;
  notBefore: number;
  notAfter: number;
  /** basicConstraints cA */
  ca: boolean;
  /** basicConstraints pathLenConstraint, undefined when absent */
  pathLen: number | undefined;
  /** keyUsage bits (bit n = KeyUsage bit n, e.g. 1 << 5 = keyCertSign), undefined when the extension is absent */
  keyUsage: number | undefined;
  /** OID of a critical extension this verifier does not process, if any */
  unknownCriticalExtension: string | undefined;
}

export const KEY_USAGE_DIGITAL_SIGNATURE = 1 << 0;
export const KEY_USAGE_KEY_CERT_SIGN = 1 << 5;

const OID_BASIC_CONSTRAINTS = "2.5.29.19";
const OID_KEY_USAGE = "2.5.29.15";
const HANDLED_CRITICAL = new Set([OID_BASIC_CONSTRAINTS, OID_KEY_USAGE]);

const CACHE_LIMIT = 512;
const cache = new Map<string, CertificateInfo>();

/** The exact DER bytes as a string: a collision-free cache key. */
export function derKey(der: Uint8Array): string {
  return Buffer.from(der.buffer, der.byteOffset, der.length).toString("latin1");
}

export function certificateInfo(der: Uint8Array, key: string, label: string): CertificateInfo {
  let info = cache.get(key);
  if (info === undefined) {
    info = parseCertificate(der, label);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, info);
  }
  return info;
}

export function clearCertificateCache(): void {
  cache.clear();
}

function parseCertificate(der: Uint8Array, label: string): CertificateInfo {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch (e) {
    throw new CertificateChainError(`${label} is not a valid X.509 certificate: ${(e as Error).message}`);
  }
  try {
    return { x509, publicKey: x509.publicKey, ...readTbsFields(der) };
  } catch (e) {
    const reason = e instanceof BerShapeError ? e.message : `${(e as Error)?.name}: ${(e as Error)?.message}`;
    throw new CertificateChainError(`${label} could not be read: ${reason}`);
  }
}

function readTbsFields(der: Uint8Array) {
  const [tbs] = sequence(decodeBer(der), "Certificate", 3);
  const fields = sequence(tbs, "TBSCertificate", 6, 10);
  const hasVersion = isTag(fields[0], CONTEXT, 0);
  const [notBefore, notAfter] = sequence(fields[hasVersion ? 4 : 3], "validity", 2).map((t) => time(t, "validity"));

  let ca = false;
  let pathLen: number | undefined;
  let keyUsage: number | undefined;
  let unknownCriticalExtension: string | undefined;
  const extensionsField = fields.find((f) => isTag(f, CONTEXT, 3));
  if (extensionsField) {
    const [list] = children(extensionsField, CONTEXT, 3, "extensions", 1);
    const seen = new Set<string>();
    for (const extension of sequence(list, "extensions", 1, 64)) {
      const parts = sequence(extension, "Extension", 2, 3);
      const id = oid(parts[0], "extnID");
      if (seen.has(id)) throw new BerShapeError(`extension ${id} appears twice`);
      seen.add(id);
      const critical = parts.length === 3 && boolean(parts[1], `extension ${id} critical`);
      const value = octets(parts[parts.length - 1], UNIVERSAL, TAG_OCTET_STRING, "extnValue").bytes;
      if (id === OID_BASIC_CONSTRAINTS) ({ ca, pathLen } = readBasicConstraints(value));
      else if (id === OID_KEY_USAGE) keyUsage = readKeyUsage(value);
      if (critical && !HANDLED_CRITICAL.has(id)) unknownCriticalExtension ??= id;
    }
  }
  return { notBefore, notAfter, ca, pathLen, keyUsage, unknownCriticalExtension };
}

function readBasicConstraints(value: Uint8Array): { ca: boolean; pathLen: number | undefined } {
  const parts = sequence(decodeBer(value), "basicConstraints", 0, 2);
  let i = 0;
  let ca = false;
  if (i < parts.length && isTag(parts[i], UNIVERSAL, TAG_BOOLEAN)) ca = boolean(parts[i++], "basicConstraints cA");
  const pathLen = i < parts.length ? smallInteger(parts[i++], "basicConstraints pathLenConstraint") : undefined;
  if (i !== parts.length) throw new BerShapeError("basicConstraints has unexpected fields");
  return { ca, pathLen };
}

function readKeyUsage(value: Uint8Array): number {
  const { bytes } = bitString(decodeBer(value), "keyUsage");
  let usage = 0;
  // KeyUsage bit n is bit (7 - n % 8) of byte n / 8: the first named bit is the most significant.
  for (let bit = 0; bit < Math.min(bytes.length * 8, 16); bit++) if (bytes[bit >> 3] & (0x80 >> (bit & 7))) usage |= 1 << bit;
  return usage;
}
