// Reads a KMS CiphertextForRecipient: a CMS ContentInfo holding EnvelopedData (RFC 5652) in exactly
// the shape KMS emits (test/vectors/README.md): BER with indefinite lengths, version 2, one
// KeyTransRecipientInfo v2 addressed by subjectKeyIdentifier, RSAES-OAEP with SHA-256 and
// MGF1-SHA-256 (RFC 4055), id-data content under AES-256-CBC. Anything else is refused.
//
// The package's BER reader (../asn1/ber.ts) decodes the BER and the tree is walked directly: asn1js's
// object tree, and pkijs's EnvelopedData mapping on top of it, would cost a large part of the RSA
// decryption this exists to wrap.
import { isBytes } from "../arguments.js";
import { EnvelopeDecryptionError } from "../errors.js";
import {
  BerShapeError,
  CONTEXT,
  TAG_OCTET_STRING,
  TAG_SET,
  UNIVERSAL,
  children,
  decodeBer,
  expectOid,
  isNull,
  octets,
  sequence,
  smallInteger,
  type BerNode,
} from "../asn1/ber.js";

export const OID_ENVELOPED_DATA = "1.2.840.113549.1.7.3";
export const OID_DATA = "1.2.840.113549.1.7.1";
export const OID_RSAES_OAEP = "1.2.840.113549.1.1.7";
export const OID_MGF1 = "1.2.840.113549.1.1.8";
export const OID_P_SPECIFIED = "1.2.840.113549.1.1.9";
export const OID_SHA256 = "2.16.840.1.101.3.4.2.1";
export const OID_AES256_CBC = "2.16.840.1.101.3.4.1.42";

/** CiphertextForRecipient larger than this is refused before decoding (KMS's own limit is 6144 bytes). */
export const MAX_ENVELOPE_BYTES = 64 * 1024;

/** The fields of a KMS EnvelopedData. Byte fields are views into the input unless copied by the caller. */
export interface EnvelopedDataFields {
  /** EnvelopedData version (always 2 here). */
  version: number;
  /** KeyTransRecipientInfo version (always 2 here). */
  recipientVersion: number;
  /** The recipient identifier: SHA-256 of the recipient's DER SubjectPublicKeyInfo, as KMS writes it. */
  subjectKeyIdentifier: Uint8Array;
  keyEncryptionAlgorithm: "RSAES-OAEP-SHA256";
  /** The content-encryption key, RSA-OAEP encrypted to the recipient. */
  encryptedKey: Uint8Array;
  contentType: typeof OID_DATA;
  contentEncryptionAlgorithm: "AES-256-CBC";
  iv: Uint8Array;
  /** The AES-256-CBC ciphertext (constructed chunks joined). */
  encryptedContent: Uint8Array;
  /** How encryptedContent was encoded: one primitive [0], or [0] constructed from OCTET STRING chunks. */
  encryptedContentEncoding: "primitive" | "constructed";
}

/** Parses without copying; throws BerShapeError describing the first mismatch. */
export function readEnvelopedData(ber: Uint8Array): EnvelopedDataFields {
  if (ber.length > MAX_ENVELOPE_BYTES) throw new BerShapeError(`input of ${ber.length} bytes is over the ${MAX_ENVELOPE_BYTES}-byte limit`);
  const [contentType, wrapped] = sequence(decodeBer(ber), "ContentInfo", 2);
  expectOid(contentType, OID_ENVELOPED_DATA, "ContentInfo.contentType");
  const [envelopedData] = children(wrapped, CONTEXT, 0, "ContentInfo.content", 1);

  // originatorInfo [0] and unprotectedAttrs [1] never appear in KMS output: exactly three fields.
  const [versionNode, recipientInfos, encryptedContentInfo] = sequence(envelopedData, "EnvelopedData", 3);
  const version = smallInteger(versionNode, "EnvelopedData.version");
  if (version !== 2) throw new BerShapeError(`EnvelopedData.version: expected 2, got ${version}`);

  const [recipient] = children(recipientInfos, UNIVERSAL, TAG_SET, "EnvelopedData.recipientInfos", 1);
  const recipientFields = readKeyTransRecipientInfo(recipient);

  const [innerType, algorithm, encrypted] = sequence(encryptedContentInfo, "EncryptedContentInfo", 3);
  expectOid(innerType, OID_DATA, "EncryptedContentInfo.contentType");
  const [algorithmOid, ivNode] = sequence(algorithm, "contentEncryptionAlgorithm", 2);
  expectOid(algorithmOid, OID_AES256_CBC, "contentEncryptionAlgorithm");
  const iv = octets(ivNode, UNIVERSAL, TAG_OCTET_STRING, "AES-256-CBC IV").bytes;
  if (iv.length !== 16) throw new BerShapeError(`AES-256-CBC IV: expected 16 bytes, got ${iv.length}`);
  const content = octets(encrypted, CONTEXT, 0, "encryptedContent");
  if (content.bytes.length === 0 || content.bytes.length % 16 !== 0) {
    throw new BerShapeError(`encryptedContent: ${content.bytes.length} bytes is not a positive multiple of the AES block size`);
  }

  return {
    version,
    ...recipientFields,
    contentType: OID_DATA,
    contentEncryptionAlgorithm: "AES-256-CBC",
    iv,
    encryptedContent: content.bytes,
    encryptedContentEncoding: content.constructed ? "constructed" : "primitive",
  };
}

function readKeyTransRecipientInfo(node: BerNode) {
  // A KeyTransRecipientInfo is a SEQUENCE; the other RecipientInfo choices carry context tags.
  const [versionNode, rid, algorithm, encryptedKeyNode] = sequence(node, "KeyTransRecipientInfo", 4);
  const recipientVersion = smallInteger(versionNode, "KeyTransRecipientInfo.version");
  if (recipientVersion !== 2) throw new BerShapeError(`KeyTransRecipientInfo.version: expected 2 (subjectKeyIdentifier), got ${recipientVersion}`);
  const subjectKeyIdentifier = octets(rid, CONTEXT, 0, "KeyTransRecipientInfo.rid subjectKeyIdentifier").bytes;
  readOaepSha256(algorithm);
  const encryptedKey = octets(encryptedKeyNode, UNIVERSAL, TAG_OCTET_STRING, "KeyTransRecipientInfo.encryptedKey").bytes;
  if (encryptedKey.length === 0) throw new BerShapeError("KeyTransRecipientInfo.encryptedKey is empty");
  return { recipientVersion, subjectKeyIdentifier, keyEncryptionAlgorithm: "RSAES-OAEP-SHA256" as const, encryptedKey };
}

/** RSAES-OAEP AlgorithmIdentifier whose parameters say SHA-256, MGF1 with SHA-256 and an empty label. */
function readOaepSha256(node: BerNode): void {
  const [algorithmOid, params] = sequence(node, "keyEncryptionAlgorithm", 2);
  expectOid(algorithmOid, OID_RSAES_OAEP, "keyEncryptionAlgorithm");
  // Each field is optional with a SHA-1 default, so SHA-256 needs [0] and [1] both present.
  const fields = sequence(params, "RSAES-OAEP-params", 2, 3);
  const [hashField] = children(fields[0], CONTEXT, 0, "RSAES-OAEP-params.hashAlgorithm", 1);
  readSha256(hashField, "RSAES-OAEP-params.hashAlgorithm");
  const [mgfField] = children(fields[1], CONTEXT, 1, "RSAES-OAEP-params.maskGenAlgorithm", 1);
  const [mgfOid, mgfHash] = sequence(mgfField, "maskGenAlgorithm", 2);
  expectOid(mgfOid, OID_MGF1, "maskGenAlgorithm");
  readSha256(mgfHash, "MGF1 hash");
  if (fields.length === 3) {
    const [source] = children(fields[2], CONTEXT, 2, "RSAES-OAEP-params.pSourceAlgorithm", 1);
    const [sourceOid, label] = sequence(source, "pSourceAlgorithm", 2);
    expectOid(sourceOid, OID_P_SPECIFIED, "pSourceAlgorithm");
    if (octets(label, UNIVERSAL, TAG_OCTET_STRING, "OAEP label").bytes.length !== 0) throw new BerShapeError("OAEP label: expected empty");
  }
}

function readSha256(node: BerNode, what: string): void {
  const parts = sequence(node, what, 1, 2);
  expectOid(parts[0], OID_SHA256, what);
  if (parts.length === 2 && !isNull(parts[1])) throw new BerShapeError(`${what}: parameters must be NULL or absent`);
}

/**
 * Parses a KMS CiphertextForRecipient into its fields (copies, owned by the caller).
 * Throws EnvelopeDecryptionError (with the reason in `debug`) when it is not KMS's EnvelopedData.
 */
export function parseEnvelopedData(ciphertextForRecipient: Uint8Array): EnvelopedDataFields {
  if (!isBytes(ciphertextForRecipient)) throw new EnvelopeDecryptionError("ciphertextForRecipient is not a Uint8Array");
  let fields: EnvelopedDataFields;
  try {
    fields = readEnvelopedData(ciphertextForRecipient);
  } catch (e) {
    throw new EnvelopeDecryptionError(describeFailure(e));
  }
  return {
    ...fields,
    subjectKeyIdentifier: copy(fields.subjectKeyIdentifier),
    encryptedKey: copy(fields.encryptedKey),
    iv: copy(fields.iv),
    encryptedContent: copy(fields.encryptedContent),
  };
}

export function describeFailure(e: unknown): string {
  if (e instanceof BerShapeError) return e.message;
  // Anything else thrown while reading hostile input is still a parse failure.
  return `BER decoding failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

function copy(view: Uint8Array): Uint8Array {
  return new Uint8Array(view);
}
