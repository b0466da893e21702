import { createHash, createPrivateKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import { EnvelopeDecryptionError, NitroEnclavesError, decryptEnvelopedKey, parseEnvelopedData, subjectKeyIdentifierOf } from "@nitro-enclaves-sdk/nsm";
import { pkcs7PaddingLength } from "../../src/cms/decrypt.js";
import { makeRecipient, openssl, opensslEncrypt, type OpensslRecipient } from "./openssl.js";

const CMS = join(__dirname, "../../../../test/vectors/cms");
const read = (...p: string[]) => readFileSync(join(CMS, ...p));

function expectEnvelopeError(fn: () => unknown, debugPattern?: RegExp): EnvelopeDecryptionError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EnvelopeDecryptionError);
  const err = caught as EnvelopeDecryptionError;
  expect(err.code).toBe("ENVELOPE_DECRYPTION_FAILED");
  expect(err.message).toBe("could not decrypt the enveloped key");
  if (debugPattern) expect(err.debug).toMatch(debugPattern);
  return err;
}

describe("the real KMS sample", () => {
  const ciphertext = read("kms-sample-1", "ciphertext_for_recipient.der");
  const privateKey = createPrivateKey(read("kms-sample-1", "private_key_pkcs8.pem"));
  const expected = read("kms-sample-1", "expected_plaintext.hex").toString("utf8").trim();

  test("decrypts to its 32-byte data key", () => {
    expect(decryptEnvelopedKey(ciphertext, privateKey).toString("hex")).toBe(expected);
  });

  test("openssl cms -decrypt agrees (independent check of the vector and our reading)", () => {
    const keyPath = join(CMS, "kms-sample-1", "private_key_pkcs8.pem");
    const out = openssl(["cms", "-decrypt", "-inform", "DER", "-inkey", keyPath, "-binary"], ciphertext);
    expect(out.toString("hex")).toBe(expected);
  });

  test("its recipient identifier is SHA-256 of the public key's DER SPKI", () => {
    const spki = createPrivateKey(read("kms-sample-1", "private_key_pkcs8.pem"));
    const fromPem = createHash("sha256").update(Buffer.from(read("kms-sample-1", "public_key_spki.pem").toString().replace(/-----[^-]+-----|\s/g, ""), "base64")).digest();
    expect(Buffer.from(parseEnvelopedData(ciphertext).subjectKeyIdentifier)).toEqual(fromPem);
    expect(subjectKeyIdentifierOf(spki)).toEqual(fromPem);
  });

  test("is refused with another RSA key, without saying why in the message", () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    expectEnvelopeError(() => decryptEnvelopedKey(ciphertext, other), /subjectKeyIdentifier/);
  });

  test("is refused when anything but an RSA private KeyObject is given as the key", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const publicKey = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey;
    expectEnvelopeError(() => decryptEnvelopedKey(ciphertext, ec));
    expectEnvelopeError(() => decryptEnvelopedKey(ciphertext, publicKey));
    expectEnvelopeError(() => decryptEnvelopedKey(ciphertext, "key" as never));
    expectEnvelopeError(() => decryptEnvelopedKey("ciphertext" as never, privateKey));
  });

  test("a flipped bit in the wrapped key fails with the same message as a flipped padding byte", () => {
    const fields = parseEnvelopedData(ciphertext);
    const keyAt = ciphertext.indexOf(Buffer.from(fields.encryptedKey));
    const badKey = Buffer.from(ciphertext);
    badKey[keyAt + 100] ^= 0x01;
    const a = expectEnvelopeError(() => decryptEnvelopedKey(badKey, privateKey), /OAEP/);

    // The last ciphertext block's padding depends on the block before it: flipping the previous
    // block's last byte changes the final padding byte.
    const contentAt = ciphertext.indexOf(Buffer.from(fields.encryptedContent));
    const badPad = Buffer.from(ciphertext);
    badPad[contentAt + fields.encryptedContent.length - 17] ^= 0x80;
    const b = expectEnvelopeError(() => decryptEnvelopedKey(badPad, privateKey), /padding/);
    expect(a.message).toBe(b.message);
    expect(a.code).toBe(b.code);
  });

  test("the reason stays out of JSON, util.inspect and enumeration", () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
    const err = expectEnvelopeError(() => decryptEnvelopedKey(ciphertext, other));
    expect(err).toBeInstanceOf(NitroEnclavesError);
    expect(Object.keys(err)).not.toContain("debug");
    expect(JSON.stringify(err)).not.toMatch(/subjectKeyIdentifier/);
    expect(inspect(err)).not.toMatch(/subjectKeyIdentifier/);
  });
});

describe("the sdk-c parse samples", () => {
  test.each([
    ["input_ber.ber", "", "constructed"],
    ["input_ber_w_ctx.ber", "_w_ctx", "primitive"],
  ])("%s parses to the expected encrypted key, IV and ciphertext", (input, suffix, encoding) => {
    const fields = parseEnvelopedData(read("sdk-c-parse", input));
    expect(Buffer.from(fields.encryptedKey)).toEqual(read("sdk-c-parse", `encrypted_key_out${suffix}.bin`));
    expect(Buffer.from(fields.iv)).toEqual(read("sdk-c-parse", `iv_out${suffix}.bin`));
    expect(Buffer.from(fields.encryptedContent)).toEqual(read("sdk-c-parse", `ciphertext_out${suffix}.bin`));
    expect(fields.encryptedContentEncoding).toBe(encoding);
    expect(fields.version).toBe(2);
    expect(fields.recipientVersion).toBe(2);
    expect(fields.subjectKeyIdentifier).toHaveLength(32);
    expect(fields.keyEncryptionAlgorithm).toBe("RSAES-OAEP-SHA256");
    expect(fields.contentEncryptionAlgorithm).toBe("AES-256-CBC");
  });

  test("the parsed fields are copies the caller owns", () => {
    const input = read("sdk-c-parse", "input_ber.ber");
    const fields = parseEnvelopedData(input);
    fields.iv.fill(0);
    expect(Buffer.from(parseEnvelopedData(input).iv)).toEqual(read("sdk-c-parse", "iv_out.bin"));
  });

  test("both samples parse to the fields openssl asn1parse shows", () => {
    for (const input of ["input_ber.ber", "input_ber_w_ctx.ber"]) {
      const text = openssl(["asn1parse", "-inform", "DER"], read("sdk-c-parse", input)).toString();
      const hexDumps = [...text.matchAll(/\[HEX DUMP\]:([0-9A-F]+)/g)].map((m) => m[1].toLowerCase());
      const fields = parseEnvelopedData(read("sdk-c-parse", input));
      expect(hexDumps).toContain(Buffer.from(fields.encryptedKey).toString("hex"));
      expect(hexDumps).toContain(Buffer.from(fields.iv).toString("hex"));
    }
  });
});

describe("CMS made by the openssl CLI", () => {
  let recipient: OpensslRecipient;
  beforeAll(() => {
    recipient = makeRecipient();
  });
  afterAll(() => recipient.cleanup());

  test.each([
    ["-keyid", { keyid: true }],
    ["-keyid -stream", { keyid: true, stream: true }],
  ])("decrypts when the rid is SHA-256 of the SPKI (%s)", (_name, options) => {
    for (const size of [1, 15, 16, 32, 100, 4096]) {
      const plaintext = randomBytes(size);
      const blob = opensslEncrypt(recipient.kmsStyleCert, plaintext, options);
      expect(decryptEnvelopedKey(blob, recipient.privateKey)).toEqual(plaintext);
    }
  });

  test("an RSA-3072 recipient (the handle's other key sizes) decrypts the same way", () => {
    const big = makeRecipient(3072);
    try {
      const plaintext = randomBytes(32);
      expect(decryptEnvelopedKey(opensslEncrypt(big.kmsStyleCert, plaintext, { keyid: true }), big.privateKey)).toEqual(plaintext);
      expectEnvelopeError(() => decryptEnvelopedKey(opensslEncrypt(big.kmsStyleCert, plaintext, { keyid: true }), recipient.privateKey), /subjectKeyIdentifier/);
    } finally {
      big.cleanup();
    }
  });

  test("-stream output carries indefinite lengths and still decrypts to what openssl decrypts", () => {
    const plaintext = randomBytes(48);
    const blob = opensslEncrypt(recipient.kmsStyleCert, plaintext, { keyid: true, stream: true });
    expect(blob.subarray(0, 2)).toEqual(Buffer.from([0x30, 0x80]));
    const keyPath = join(recipient.dir, "key.pem");
    expect(openssl(["cms", "-decrypt", "-inform", "DER", "-inkey", keyPath, "-binary"], blob)).toEqual(plaintext);
    expect(decryptEnvelopedKey(blob, recipient.privateKey)).toEqual(plaintext);
  });

  test("is refused when the rid is another subjectKeyIdentifier (openssl's default SHA-1 one)", () => {
    const blob = opensslEncrypt(recipient.sha1SkiCert, randomBytes(32), { keyid: true });
    expect(parseEnvelopedData(blob).subjectKeyIdentifier).toHaveLength(20);
    expectEnvelopeError(() => decryptEnvelopedKey(blob, recipient.privateKey), /subjectKeyIdentifier/);
  });

  test("is refused when the rid is issuerAndSerialNumber (no -keyid)", () => {
    const blob = opensslEncrypt(recipient.kmsStyleCert, randomBytes(32), {});
    expectEnvelopeError(() => decryptEnvelopedKey(blob, recipient.privateKey), /version/);
  });

  test("is refused with RSA PKCS#1 v1.5 key transport or another content cipher", () => {
    expectEnvelopeError(() => decryptEnvelopedKey(opensslEncrypt(recipient.kmsStyleCert, randomBytes(32), { keyid: true, oaep: false }), recipient.privateKey), /keyEncryptionAlgorithm/);
    expectEnvelopeError(() => decryptEnvelopedKey(opensslEncrypt(recipient.kmsStyleCert, randomBytes(32), { keyid: true, cipher: "-aes128" }), recipient.privateKey), /contentEncryptionAlgorithm/);
  });

  test("is refused with another key even when the rid is forged to match it", () => {
    // Re-address the blob to an unrelated key: the rid check passes, RSA-OAEP must fail.
    const plaintext = randomBytes(32);
    const blob = opensslEncrypt(recipient.kmsStyleCert, plaintext, { keyid: true });
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const rid = Buffer.from(parseEnvelopedData(blob).subjectKeyIdentifier);
    const forged = Buffer.from(blob);
    subjectKeyIdentifierOf(other).copy(forged, forged.indexOf(rid));
    expectEnvelopeError(() => decryptEnvelopedKey(forged, other), /OAEP/);
  });
});

describe("PKCS#7 padding check", () => {
  // Reference: the obvious early-exit implementation.
  function reference(block: Uint8Array): number {
    const pad = block[block.length - 1];
    if (pad < 1 || pad > 16) return 0;
    for (let i = 0; i < pad; i++) if (block[block.length - 1 - i] !== pad) return 0;
    return pad;
  }

  test("agrees with the reference on every padding value and every single wrong byte", () => {
    const block = Buffer.alloc(32);
    for (let pad = 0; pad <= 255; pad++) {
      block.fill(0xaa);
      block.fill(pad, 32 - Math.min(pad, 16));
      expect(pkcs7PaddingLength(block)).toBe(reference(block));
      for (let wrong = 0; wrong < 16; wrong++) {
        const copy = Buffer.from(block);
        copy[31 - wrong] ^= 0x40;
        expect(pkcs7PaddingLength(copy)).toBe(reference(copy));
      }
    }
  });

  test("refuses lengths that are not whole blocks", () => {
    expect(pkcs7PaddingLength(Buffer.alloc(0))).toBe(0);
    expect(pkcs7PaddingLength(Buffer.alloc(17, 1))).toBe(0);
  });
});
