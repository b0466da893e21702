// CiphertextForRecipient: the CMS EnvelopedData (RFC 5652) that KMS returns instead of plaintext when a
// request carries a Recipient. Laid out byte for byte as KMS lays it out (see the vectors README):
// ContentInfo, EnvelopedData and EncryptedContentInfo with BER indefinite lengths; EnvelopedData version
// 2; one KeyTransRecipientInfo version 2 whose rid is [0] subjectKeyIdentifier = SHA-256 of the
// recipient's DER SubjectPublicKeyInfo; RSAES-OAEP with SHA-256 and MGF1-SHA-256 (empty label, so no
// pSourceFunc); id-data content under AES-256-CBC with a 16-byte IV and PKCS#7 padding, the ciphertext in
// a constructed indefinite [0] holding one OCTET STRING. The fixed parts are written as bytes: they never
// vary, and writing them directly is clearer than building an ASN.1 object tree.
import { constants, createCipheriv, createHash, publicEncrypt, randomBytes, type KeyObject } from "node:crypto";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

const OID_ENVELOPED_DATA = hex("06 09 2a864886f70d010703");
const OID_DATA = hex("06 09 2a864886f70d010701");
// AlgorithmIdentifier { rsaesOaep, RSAES-OAEP-params { [0] sha256 (NULL params), [1] mgf1(sha256) } }
const ALG_RSAES_OAEP_SHA256 = hex(`
  30 3c 06 09 2a864886f70d010107
    30 2f a0 0f 30 0d 06 09 608648016503040201 0500
          a1 1c 30 1a 06 09 2a864886f70d010108 30 0d 06 09 608648016503040201 0500`);
const OID_AES256_CBC = hex("06 09 60864801650304012a");
const EOC = Buffer.from([0, 0]);

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
const indefinite = (tag: number, ...content: Buffer[]) => Buffer.concat([Buffer.from([tag, 0x80]), ...content, EOC]);

/** SHA-256 of a DER SubjectPublicKeyInfo: the subjectKeyIdentifier KMS puts in the recipient info. */
export const subjectKeyIdentifier = (spkiDer: Uint8Array) => createHash("sha256").update(spkiDer).digest();

/**
 * Encrypts `plaintext` to an RSA public key as KMS does for a Recipient. `publicKey` must be the key that
 * `spkiDer` encodes (the caller has parsed it once).
 */
export function encryptForRecipient(plaintext: Uint8Array, publicKey: KeyObject, spkiDer: Uint8Array): Buffer {
  const cek = randomBytes(32);
  const iv = randomBytes(16);
  try {
    const cipher = createCipheriv("aes-256-cbc", cek, iv);
    const content = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const encryptedKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, cek);

    const recipientInfo = tlv(
      0x30,
      Buffer.from([0x02, 0x01, 0x02]), // version 2
      tlv(0x80, subjectKeyIdentifier(spkiDer)), // rid [0] subjectKeyIdentifier
      ALG_RSAES_OAEP_SHA256,
      tlv(0x04, encryptedKey),
    );
    const encryptedContentInfo = indefinite(
      0x30,
      OID_DATA,
      tlv(0x30, OID_AES256_CBC, tlv(0x04, iv)),
      indefinite(0xa0, tlv(0x04, content)),
    );
    const envelopedData = indefinite(0x30, Buffer.from([0x02, 0x01, 0x02]), tlv(0x31, recipientInfo), encryptedContentInfo);
    return indefinite(0x30, OID_ENVELOPED_DATA, indefinite(0xa0, envelopedData));
  } finally {
    cek.fill(0);
  }
}
