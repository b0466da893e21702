// NsmClient against hand-derived CBOR: the expected request bytes below were written out by hand
// from the NSM API's serde encoding (externally tagged enum; struct fields in declaration order;
// RFC 8949 headers: 0x60+n text, 0x40+n / 0x58 n bytes, 0xa0+n map, 0xf6 null), not produced by our encoder.
import { NsmClient } from "../../src/nsm/client";
import type { NsmTransport } from "../../src/nsm/transport";
import { NSM_ERROR_CODES } from "../../src/nsm/responses";
import { NitroEnclavesError, NsmArgumentError, NsmMalformedResponseError, NsmResponseError } from "../../src/errors";

/** CBOR text string of fewer than 24 bytes, as hex: header 0x60+n then the UTF-8 bytes. */
const t = (s: string) => (0x60 + s.length).toString(16) + Buffer.from(s).toString("hex");
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));

class Recorder implements NsmTransport {
  sent: string[] = [];
  constructor(private readonly reply: string | Uint8Array | unknown) {}
  async request(request: Uint8Array): Promise<Uint8Array> {
    this.sent.push(Buffer.from(request).toString("hex"));
    return typeof this.reply === "string" ? hex(this.reply) : (this.reply as Uint8Array);
  }
}

const bytes48 = "5830" + "ab".repeat(48);

describe("requests are encoded exactly as the NSM expects", () => {
  test.each<[string, (c: NsmClient) => Promise<unknown>, string, string]>([
    ["DescribeNSM", (c) => c.describeNsm(), "6b 44657363726962654e534d", ""],
    ["GetRandom", (c) => c.getRandom(), "69 47657452616e646f6d", ""],
    ["DescribePCR", (c) => c.describePcr(3), "a1 6b 4465736372696265504352 a1 65 696e646578 03", ""],
    ["DescribePCR 300", (c) => c.describePcr(300), "a1 6b 4465736372696265504352 a1 65 696e646578 19012c", ""],
    ["ExtendPCR", (c) => c.extendPcr(16, Uint8Array.of(1, 2, 3)), "a1 69 457874656e64504352 a2 65 696e646578 10 64 64617461 43 010203", ""],
    ["LockPCR", (c) => c.lockPcr(16), "a1 67 4c6f636b504352 a1 65 696e646578 10", ""],
    ["LockPCRs", (c) => c.lockPcrs(32), "a1 68 4c6f636b50435273 a1 65 72616e6765 1820", ""],
    [
      "Attestation, nothing set: all three keys present with null",
      (c) => c.attestation(),
      "a1 6b 4174746573746174696f6e a3 69 757365725f64617461 f6 65 6e6f6e6365 f6 6a 7075626c69635f6b6579 f6",
      "",
    ],
    [
      "Attestation, all set (Buffer is not tagged)",
      (c) => c.attestation({ userData: Buffer.from("hi"), nonce: new Uint8Array(24).fill(7), publicKey: new Uint8Array(300).fill(1) }),
      "a1 6b 4174746573746174696f6e a3 69 757365725f64617461 42 6869 65 6e6f6e6365 5818" +
        "07".repeat(24) +
        "6a 7075626c69635f6b6579 59012c" +
        "01".repeat(300),
      "",
    ],
  ])("%s", async (_name, call, expected) => {
    const r = new Recorder(hex("f6")); // any reply: only the request is checked here
    await call(new NsmClient(r)).catch(() => undefined);
    expect(r.sent).toEqual([expected.replace(/\s+/g, "")]);
  });

  test("undefined fields are sent as null, never as CBOR undefined", async () => {
    const r = new Recorder(hex("f6"));
    await new NsmClient(r).attestation({ userData: undefined, nonce: null, publicKey: undefined }).catch(() => undefined);
    expect(r.sent[0]).toBe(
      "a16b4174746573746174696f6ea3" + "69757365725f64617461f6" + "656e6f6e6365f6" + "6a7075626c69635f6b6579f6",
    );
  });
});

describe("responses are decoded and validated", () => {
  test("DescribeNSM", async () => {
    const moduleId = "i-0368fa67e156d6d23-enc019b8596b1a9dad6";
    const reply =
      "a1" + t("DescribeNSM") + "a7" +
      t("version_major") + "01" + t("version_minor") + "02" + t("version_patch") + "03" +
      t("module_id") + "7827" + Buffer.from(moduleId).toString("hex") +
      t("max_pcrs") + "1820" +
      t("locked_pcrs") + "90" + "000102030405060708090a0b0c0d0e0f" +
      t("digest") + t("SHA384");
    await expect(new NsmClient(new Recorder(reply)).describeNsm()).resolves.toEqual({
      versionMajor: 1, versionMinor: 2, versionPatch: 3, moduleId, maxPcrs: 32,
      lockedPcrs: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], digest: "SHA384",
    });
  });

  test("DescribePCR, ExtendPCR, LockPCR(s), GetRandom, Attestation", async () => {
    const pcr = await new NsmClient(new Recorder("a1" + t("DescribePCR") + "a2" + t("lock") + "f5" + t("data") + bytes48)).describePcr(0);
    expect(pcr).toEqual({ locked: true, data: new Uint8Array(48).fill(0xab) });
    const extended = await new NsmClient(new Recorder("a1" + t("ExtendPCR") + "a1" + t("data") + bytes48)).extendPcr(16, new Uint8Array(1));
    expect(extended).toEqual(new Uint8Array(48).fill(0xab));
    await expect(new NsmClient(new Recorder(t("LockPCR"))).lockPcr(16)).resolves.toBeUndefined();
    await expect(new NsmClient(new Recorder(t("LockPCRs"))).lockPcrs(16)).resolves.toBeUndefined();
    const random = await new NsmClient(new Recorder("a1" + t("GetRandom") + "a1" + t("random") + "5820" + "cd".repeat(32))).getRandom();
    expect(random).toEqual(new Uint8Array(32).fill(0xcd));
    const doc = await new NsmClient(new Recorder("a1" + t("Attestation") + "a1" + t("document") + "590100" + "84".repeat(256))).attestation();
    expect(doc).toEqual(new Uint8Array(256).fill(0x84));
    expect(Buffer.isBuffer(doc)).toBe(false);
  });

  test.each(NSM_ERROR_CODES.map((c) => [c]))("{\"Error\": \"%s\"} becomes its typed error", async (code) => {
    const error = await new NsmClient(new Recorder("a1" + t("Error") + t(code))).describePcr(99).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NsmResponseError);
    expect(error).toMatchObject({ nsmErrorCode: code });
    // the stable code is the NSM's name in upper snake case
    expect((error as NitroEnclavesError).code).toBe("NSM_" + code.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase());
  });

  test("there is a typed error for every code the NSM API defines besides Success", () => {
    expect([...NSM_ERROR_CODES].sort()).toEqual(
      ["InvalidArgument", "InvalidIndex", "InvalidResponse", "ReadOnlyIndex", "InvalidOperation", "BufferTooSmall", "InputTooLarge", "InternalError"].sort(),
    );
  });

  test.each<[string, string | unknown, (c: NsmClient) => Promise<unknown>]>([
    ["empty", "", (c) => c.getRandom()],
    ["truncated", "a1" + t("GetRandom") + "a1" + t("random") + "5820cdcd", (c) => c.getRandom()],
    ["trailing bytes", t("LockPCR") + "00", (c) => c.lockPcr(1)],
    ["another variant", t("LockPCRs"), (c) => c.lockPcr(1)],
    ["Error with an unknown code", "a1" + t("Error") + t("Success"), (c) => c.lockPcr(1)],
    ["Error with a non-string", "a1" + t("Error") + "01", (c) => c.lockPcr(1)],
    ["two-entry map", "a2" + t("LockPCR") + "f6" + t("x") + "f6", (c) => c.lockPcr(1)],
    ["integer variant name", "a1 01 f6", (c) => c.lockPcr(1)],
    ["body not a map", "a1" + t("GetRandom") + "01", (c) => c.getRandom()],
    ["random not bytes", "a1" + t("GetRandom") + "a1" + t("random") + t("abc"), (c) => c.getRandom()],
    ["random empty", "a1" + t("GetRandom") + "a1" + t("random") + "40", (c) => c.getRandom()],
    ["PCR of 47 bytes", "a1" + t("ExtendPCR") + "a1" + t("data") + "582f" + "00".repeat(47), (c) => c.extendPcr(16, new Uint8Array(1))],
    ["lock not boolean", "a1" + t("DescribePCR") + "a2" + t("lock") + "01" + t("data") + bytes48, (c) => c.describePcr(1)],
    ["record tag", "d8694101", (c) => c.getRandom()],
    ["tagged bytes", "a1" + t("GetRandom") + "a1" + t("random") + "d9010443010203", (c) => c.getRandom()],
    ["unit variant with data", "a1" + t("LockPCR") + "01", (c) => c.lockPcr(1)],
    ["DescribeNSM without digest", "a1" + t("DescribeNSM") + "a0", (c) => c.describeNsm()],
    ["transport returns a string", "not bytes" as unknown, (c) => c.getRandom()],
  ])("malformed: %s", async (_name, reply, call) => {
    const transport =
      typeof reply === "string" && reply !== "not bytes"
        ? new Recorder(reply.replace(/\s+/g, ""))
        : { request: async () => reply as Uint8Array };
    const error = await call(new NsmClient(transport)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NitroEnclavesError);
    if (reply !== "not bytes") expect(error).toBeInstanceOf(NsmMalformedResponseError);
  });
});

describe("arguments are checked before anything is sent", () => {
  test.each<[string, (c: NsmClient) => Promise<unknown>]>([
    ["negative index", (c) => c.describePcr(-1)],
    ["fractional index", (c) => c.describePcr(1.5)],
    ["index over u16", (c) => c.lockPcr(65536)],
    ["string index", (c) => c.extendPcr("1" as unknown as number, new Uint8Array(1))],
    ["extend data not bytes", (c) => c.extendPcr(16, "abc" as unknown as Uint8Array)],
    ["range NaN", (c) => c.lockPcrs(NaN)],
    ["nonce as string", (c) => c.attestation({ nonce: "abc" as unknown as Uint8Array })],
    ["options not an object", (c) => c.attestation(5 as unknown as object)],
  ])("%s", async (_name, call) => {
    const r = new Recorder("f6");
    await expect(call(new NsmClient(r))).rejects.toBeInstanceOf(NsmArgumentError);
    expect(r.sent).toEqual([]);
  });

  test("a transport without request() is refused", () => {
    expect(() => new NsmClient({} as NsmTransport)).toThrow(NsmArgumentError);
  });
});
