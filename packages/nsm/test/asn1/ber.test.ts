// Differential test of the package's BER reader (src/asn1/ber.ts, used by the CMS parser and the
// certificate reader) against asn1js: on the real CMS samples, the real attestation certificates and
// thousands of seeded mutations of them, every tree both accept must be the same. asn1js also
// validates the contents of primitive universal types while decoding (an OBJECT IDENTIFIER's arcs,
// say), which our reader leaves to its typed accessors: so where only ours decodes an input, the
// reader that consumes it (the CMS parser, or the certificate reader) must still refuse it.
import * as asn1js from "asn1js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAttestation } from "@nitro-enclaves-sdk/nsm";
import { BerShapeError, decodeBer, oid, type BerNode } from "../../src/asn1/ber.js";
import { certificateInfo } from "../../src/attestation/certificate.js";
import { readEnvelopedData } from "../../src/cms/parse.js";
import { FUZZ_SEED, fuzzCases, mutate, rng } from "../attestation/mutate.js";
import { REAL_DOCUMENTS } from "../attestation/vectors.js";

const CMS = join(__dirname, "../../../../test/vectors/cms");

interface AsnNode {
  idBlock: { tagClass: number; tagNumber: number; isConstructed: boolean };
  valueBlock: { value?: AsnNode[] };
  valueBeforeDecodeView: Uint8Array;
}

// Universal character-string types (UTF8String, PrintableString, ...): asn1js models their BER
// constructed form as decoded text, not as chunks, so their subtrees are not compared. Nothing this
// package reads is a constructed string.
const STRING_TAGS = new Set([12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 29, 30]);

function sameTree(mine: BerNode, input: Uint8Array, theirs: AsnNode): string | null {
  const where = `at offset ${mine.start}`;
  if (theirs.idBlock.tagClass !== mine.tagClass + 1 || theirs.idBlock.tagNumber !== mine.tagNumber || theirs.idBlock.isConstructed !== mine.constructed) return `tag differs ${where}`;
  if (mine.constructed && mine.tagClass === 0 && STRING_TAGS.has(mine.tagNumber)) return null;
  if (!mine.constructed) return Buffer.compare(input.subarray(mine.start, mine.end), theirs.valueBeforeDecodeView) === 0 ? null : `content differs ${where}`;
  const kids = theirs.valueBlock.value ?? [];
  if (kids.length !== mine.children.length) return `child count differs ${where}`;
  for (let i = 0; i < kids.length; i++) {
    const diff = sameTree(mine.children[i], input, kids[i]);
    if (diff) return diff;
  }
  return null;
}

type Consumer = (input: Uint8Array) => unknown;
const readCms: Consumer = (input) => readEnvelopedData(input);
let certificates = 0;
const readCertificate: Consumer = (input) => certificateInfo(input, `mutated certificate ${certificates++}`, "certificate");
const attestation = parseAttestation(REAL_DOCUMENTS[0].bytes);
const seeds: Array<[string, Uint8Array, Consumer]> = [
  ["kms-sample-1", readFileSync(join(CMS, "kms-sample-1", "ciphertext_for_recipient.der")), readCms],
  ["sdk-c input_ber", readFileSync(join(CMS, "sdk-c-parse", "input_ber.ber")), readCms],
  ["sdk-c input_ber_w_ctx", readFileSync(join(CMS, "sdk-c-parse", "input_ber_w_ctx.ber")), readCms],
  ...attestation.cabundle.map((der, i) => [`cabundle[${i}]`, der, readCertificate] as [string, Uint8Array, Consumer]),
  ["leaf certificate", attestation.certificate, readCertificate],
];

test.each(seeds)("%s reads the same as asn1js", (_name, input) => {
  const theirs = asn1js.fromBER(input);
  expect(theirs.offset).toBe(input.length);
  expect(sameTree(decodeBer(input), input, theirs.result as unknown as AsnNode)).toBeNull();
});

test("on seeded mutations, whatever our reader accepts asn1js reads identically", () => {
  const random = rng(FUZZ_SEED + 7);
  const cases = fuzzCases(600);
  let accepted = 0;
  let refused = 0;
  let onlyOursDecodes = 0;
  for (const [name, original, consume] of seeds) {
    for (let i = 0; i < cases; i++) {
      const input = mutate(original, random);
      let mine: BerNode;
      try {
        mine = decodeBer(input);
      } catch (e) {
        if (!(e instanceof BerShapeError)) throw new Error(`${name} case ${i}: unexpected ${(e as Error).name}: ${(e as Error).message}`);
        refused++;
        continue;
      }
      accepted++;
      let theirs: ReturnType<typeof asn1js.fromBER> | undefined;
      try {
        theirs = asn1js.fromBER(input);
      } catch {
        theirs = undefined; // asn1js throws on some malformed contents (e.g. a GeneralizedTime)
      }
      if (theirs === undefined || theirs.offset !== input.length) {
        onlyOursDecodes++;
        let consumed = true;
        try {
          consume(input);
        } catch {
          consumed = false;
        }
        if (consumed) throw new Error(`${name} case ${i}: we accept ${Buffer.from(input).toString("hex")}, asn1js does not decode it`);
        continue;
      }
      const diff = sameTree(mine, input, theirs.result as unknown as AsnNode);
      if (diff) throw new Error(`${name} case ${i}: ${diff}`);
    }
  }
  expect(accepted).toBeGreaterThan(onlyOursDecodes);
  expect(refused).toBeGreaterThan(0);
});

test("object identifiers decode as asn1js decodes them", () => {
  for (const dotted of ["1.2.840.113549.1.7.3", "2.16.840.1.101.3.4.1.42", "2.5.29.19", "0.9.2342.19200300.100.1.1", "2.999.3", "1.3.6.1.4.1.55555.1"]) {
    const der = new asn1js.ObjectIdentifier({ value: dotted }).toBER(false);
    expect(oid(decodeBer(new Uint8Array(der)), "test")).toBe(dotted);
  }
});

test("malformed encodings are refused", () => {
  for (const hex of ["", "30", "3081", "3080", "308000", "0480", "04850100000000", "3003020101ff", "1f8001", "1f1e00", "3080000100", "a0020000", "2000", "0001ff"]) {
    expect(() => decodeBer(Buffer.from(hex, "hex"))).toThrow(BerShapeError);
  }
});
