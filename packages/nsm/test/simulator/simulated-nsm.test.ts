// The simulated NSM's behaviour through the real client: PCR semantics (SHA-384 extend checked with
// the openssl CLI), locking, error codes, DescribeNSM, GetRandom, and its refusal of bad input.
import { execFileSync } from "node:child_process";
import { NsmClient } from "../../src/nsm/client";
import { SimulatedNsm } from "../../src/simulator/simulated-nsm";
import {
  NsmArgumentError,
  NsmClosedError,
  NsmInputTooLargeError,
  NsmInvalidArgumentError,
  NsmInvalidIndexError,
  NsmInvalidOperationError,
  NsmReadOnlyIndexError,
} from "../../src/errors";
import { decodeResponse } from "../../src/nsm/responses";
import { createSimulatorCa } from "../../src/simulator/ca";

const ca = createSimulatorCa();
const opensslSha384 = (...parts: Uint8Array[]) =>
  new Uint8Array(execFileSync("openssl", ["dgst", "-sha384", "-binary"], { input: Buffer.concat(parts) }));
const pcr0 = "a1".repeat(48);

function client(options: ConstructorParameters<typeof SimulatedNsm>[0] = {}) {
  const nsm = new SimulatedNsm({ ca, ...options });
  return { nsm, c: new NsmClient(nsm) };
}

test("PCRs 0-15 are set at boot from the options and locked; 16-31 start at zero, unlocked", async () => {
  const { c } = client({ pcrs: { 0: pcr0, 4: new Uint8Array(48).fill(4) } });
  await expect(c.describePcr(0)).resolves.toEqual({ locked: true, data: new Uint8Array(Buffer.from(pcr0, "hex")) });
  await expect(c.describePcr(4)).resolves.toEqual({ locked: true, data: new Uint8Array(48).fill(4) });
  await expect(c.describePcr(15)).resolves.toEqual({ locked: true, data: new Uint8Array(48) });
  await expect(c.describePcr(16)).resolves.toEqual({ locked: false, data: new Uint8Array(48) });
  await expect(c.describePcr(31)).resolves.toEqual({ locked: false, data: new Uint8Array(48) });
  // without options PCR0-2 hold a non-zero image measurement (zero would mean debug mode)
  const plain = client().c;
  expect((await plain.describePcr(0)).data).not.toEqual(new Uint8Array(48));
});

test("extend is SHA-384(old || data), as the openssl CLI computes it", async () => {
  const { c } = client();
  const a = Buffer.from("first measurement");
  const b = new Uint8Array(700).fill(9);
  const once = await c.extendPcr(16, a);
  expect(once).toEqual(opensslSha384(new Uint8Array(48), a));
  const twice = await c.extendPcr(16, b);
  expect(twice).toEqual(opensslSha384(once, b));
  expect((await c.describePcr(16)).data).toEqual(twice);
  // an empty extension still hashes
  expect(await c.extendPcr(17, new Uint8Array(0))).toEqual(opensslSha384(new Uint8Array(48)));
});

test("locked PCRs refuse extension with ReadOnlyIndex", async () => {
  const { c } = client();
  await expect(c.extendPcr(0, Uint8Array.of(1))).rejects.toBeInstanceOf(NsmReadOnlyIndexError);
  await c.extendPcr(20, Uint8Array.of(1));
  await c.lockPcr(20);
  const before = await c.describePcr(20);
  expect(before.locked).toBe(true);
  await expect(c.extendPcr(20, Uint8Array.of(2))).rejects.toMatchObject({ code: "NSM_READ_ONLY_INDEX" });
  expect((await c.describePcr(20)).data).toEqual(before.data);
  await c.lockPcr(20); // locking twice is fine
  await c.lockPcrs(18); // locks 0..17
  expect((await c.describePcr(17)).locked).toBe(true);
  expect((await c.describePcr(18)).locked).toBe(false);
  expect((await c.describeNsm()).lockedPcrs).toEqual([...Array(18).keys(), 20]);
});

test("indexes out of range are InvalidIndex", async () => {
  const { c } = client();
  await expect(c.describePcr(32)).rejects.toBeInstanceOf(NsmInvalidIndexError);
  await expect(c.extendPcr(40, Uint8Array.of(1))).rejects.toBeInstanceOf(NsmInvalidIndexError);
  await expect(c.lockPcr(65535)).rejects.toBeInstanceOf(NsmInvalidIndexError);
  await expect(c.lockPcrs(33)).rejects.toBeInstanceOf(NsmInvalidIndexError);
  await expect(c.lockPcrs(32)).resolves.toBeUndefined();
});

test("DescribeNSM answers like a real NSM", async () => {
  const { c, nsm } = client();
  const d = await c.describeNsm();
  expect(d).toEqual({
    versionMajor: 1, versionMinor: 0, versionPatch: 0, moduleId: nsm.moduleId, maxPcrs: 32,
    lockedPcrs: [...Array(16).keys()], digest: "SHA384",
  });
  expect(nsm.moduleId).toMatch(/^i-[0-9a-f]{17}-enc[0-9a-f]{16}$/);
});

test("GetRandom returns 256 fresh bytes", async () => {
  const { c } = client();
  const [a, b] = await Promise.all([c.getRandom(), c.getRandom()]);
  expect(a).toHaveLength(256);
  expect(Buffer.compare(a, b)).not.toBe(0);
});

test("debug mode reads PCR0-2 as zeros, whatever the options say", async () => {
  const { c } = client({ debug: true, pcrs: { 0: pcr0, 3: pcr0 } });
  for (const i of [0, 1, 2]) expect((await c.describePcr(i)).data).toEqual(new Uint8Array(48));
  expect((await c.describePcr(3)).data).toEqual(new Uint8Array(Buffer.from(pcr0, "hex")));
});

test("attestation fields over 1024 bytes are refused (InputTooLarge); 1024 are accepted", async () => {
  const { c } = client();
  await expect(c.attestation({ userData: new Uint8Array(1025) })).rejects.toBeInstanceOf(NsmInputTooLargeError);
  await expect(c.attestation({ publicKey: new Uint8Array(1024), nonce: new Uint8Array(1024), userData: new Uint8Array(1024) })).resolves.toBeInstanceOf(Uint8Array);
});

test("bad raw requests get the NSM's error codes", async () => {
  const { nsm } = client();
  const raw = async (hex: string) => decodeResponse(await nsm.request(Uint8Array.from(Buffer.from(hex, "hex"))), "none");
  await expect(raw("6b" + Buffer.from("DescribeNSX").toString("hex"))).rejects.toBeInstanceOf(NsmInvalidOperationError);
  await expect(raw("ff")).rejects.toBeInstanceOf(NsmInvalidArgumentError); // not CBOR
  await expect(raw("a1" + "6b" + Buffer.from("DescribePCR").toString("hex") + "a1" + "65" + Buffer.from("index").toString("hex") + "20")).rejects.toBeInstanceOf(NsmInvalidArgumentError); // index -1
  await expect(raw("a1" + "69" + Buffer.from("ExtendPCR").toString("hex") + "a1" + "65" + Buffer.from("index").toString("hex") + "10")).rejects.toBeInstanceOf(NsmInvalidArgumentError); // no data
  await expect(raw("f6".repeat(4097))).rejects.toBeInstanceOf(NsmInputTooLargeError);
  await expect(nsm.request("DescribeNSM" as unknown as Uint8Array)).rejects.toBeInstanceOf(NsmArgumentError);
});

test("options are validated", () => {
  expect(() => new SimulatedNsm({ pcrs: { 16: pcr0 } })).toThrow(NsmArgumentError);
  expect(() => new SimulatedNsm({ pcrs: { 0: "abcd" } })).toThrow(NsmArgumentError);
  // 97 hex characters: Buffer.from(_, "hex") would drop the odd one and make 48 bytes
  expect(() => new SimulatedNsm({ pcrs: { 0: pcr0 + "f" } })).toThrow(NsmArgumentError);
  expect(() => new SimulatedNsm({ pcrs: { 0: new Uint8Array(32) } })).toThrow(NsmArgumentError);
  expect(() => new SimulatedNsm({ ca: {} as never })).toThrow(NsmArgumentError);
  expect(() => new SimulatedNsm({ clock: 5 as never })).toThrow(NsmArgumentError);
  expect(() => new SimulatedNsm({ moduleId: "" })).toThrow(NsmArgumentError);
});

test("the clock: Dates and fractional milliseconds are accepted; a broken clock is InternalError", async () => {
  const at = (clock: () => number | Date) => new NsmClient(new SimulatedNsm({ ca, clock })).attestation();
  await expect(at(() => new Date("2026-01-01T00:00:00Z"))).resolves.toBeInstanceOf(Uint8Array);
  await expect(at(() => 1767225600000.75)).resolves.toBeInstanceOf(Uint8Array);
  for (const broken of [() => NaN, () => -1, () => new Date("invalid"), () => "now" as unknown as number]) {
    await expect(at(broken)).rejects.toMatchObject({ code: "NSM_INTERNAL_ERROR" });
  }
});

test("a closed simulator refuses requests", async () => {
  const { c, nsm } = client();
  c.close();
  await expect(nsm.request(Uint8Array.of(0xf6))).rejects.toBeInstanceOf(NsmClosedError);
});
