// The device transport's memory protocol, end to end, without a device: ioctl is replaced by a
// stand-in "driver" that sees only the raw argument address, exactly like the kernel. It reads the
// 32-byte nsm_message {u64 req_addr, u64 req_len, u64 resp_addr, u64 resp_cap} from process memory,
// reads the request from req_addr, answers with a SimulatedNsm, writes the response to resp_addr and
// the real length back into the fourth word. Memory is read and written with libc memcpy through
// ffi-rs, so the test checks the layout the real driver depends on.
import { constants } from "node:os";
import type { Libc } from "@nitro-enclaves-sdk/native";
import * as ffi from "ffi-rs";
import { SimulatedNsm } from "../../src/simulator/simulated-nsm";
import { createSimulatorCa } from "../../src/simulator/ca";
import { verifyAttestation } from "../../src/attestation/verify";

type Driver = (message: { reqAddr: number; reqLen: number; respAddr: number; respCap: number }, fd: number, request: number) => Promise<{ value: number; errno: number; writeLength?: bigint; response?: Uint8Array }>;
let driver: Driver;

jest.mock("@nitro-enclaves-sdk/native", () => {
  const actual = jest.requireActual("@nitro-enclaves-sdk/native");
  return {
    ...actual,
    libc: async (): Promise<Libc> => ({ ...(await actual.libc()), ioctlInThread: (fd: number, request: number, address: number) => fakeKernel(fd, request, address) }),
  };
});

ffi.open({ library: "test-libc", path: "" });
const memcpyIn = (dst: Buffer, srcAddress: number, n: number) =>
  ffi.load({ library: "test-libc", funcName: "memcpy", retType: ffi.DataType.U64, paramsType: [ffi.DataType.U8Array, ffi.DataType.U64, ffi.DataType.U64], paramsValue: [dst, srcAddress, n] });
const memcpyOut = (dstAddress: number, src: Buffer, n: number) =>
  ffi.load({ library: "test-libc", funcName: "memcpy", retType: ffi.DataType.U64, paramsType: [ffi.DataType.U64, ffi.DataType.U8Array, ffi.DataType.U64], paramsValue: [dstAddress, src, n] });

const seen: { request: number; reqLen: number; respCap: number }[] = [];
async function fakeKernel(fd: number, request: number, address: number) {
  const message = Buffer.alloc(32);
  memcpyIn(message, address, 32);
  const m = {
    reqAddr: Number(message.readBigUInt64LE(0)),
    reqLen: Number(message.readBigUInt64LE(8)),
    respAddr: Number(message.readBigUInt64LE(16)),
    respCap: Number(message.readBigUInt64LE(24)),
  };
  seen.push({ request, reqLen: m.reqLen, respCap: m.respCap });
  const out = await driver(m, fd, request);
  if (out.response) {
    memcpyOut(m.respAddr, Buffer.from(out.response), out.response.length);
  }
  if (out.writeLength !== undefined) {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(out.writeLength);
    memcpyOut(address + 24, len, 8);
  }
  return { value: out.value, errno: out.errno };
}

// imported after the mock is in place
import { DeviceTransport } from "../../src/nsm/device-transport";
import { NsmClient } from "../../src/nsm/client";
import { NsmMalformedResponseError, NsmMessageSizeError, NsmTimeoutError } from "../../src/errors";

const ca = createSimulatorCa();
const nsm = new SimulatedNsm({ ca, pcrs: { 0: "cd".repeat(48) } });
const nsmDriver: Driver = async (m) => {
  const request = Buffer.alloc(m.reqLen);
  memcpyIn(request, m.reqAddr, m.reqLen);
  const response = await nsm.request(request);
  if (response.length > m.respCap) return { value: -1, errno: constants.errno.EMSGSIZE };
  return { value: 0, errno: 0, response, writeLength: BigInt(response.length) };
};

beforeEach(() => {
  driver = nsmDriver;
  seen.length = 0;
});

test("every operation works through the ioctl memory protocol", async () => {
  const c = new NsmClient(new DeviceTransport("/dev/null")); // any openable file: the ioctl is the stand-in
  const d = await c.describeNsm();
  expect(d.moduleId).toBe(nsm.moduleId);
  expect((await c.describePcr(0)).data).toEqual(new Uint8Array(48).fill(0xcd));
  const extended = await c.extendPcr(16, Uint8Array.of(1, 2, 3));
  expect((await c.describePcr(16)).data).toEqual(extended);
  await c.lockPcr(16);
  await c.lockPcrs(17);
  expect(await c.getRandom()).toHaveLength(256);
  const nonce = new Uint8Array(1024).fill(3);
  const doc = await c.attestation({ nonce, userData: new Uint8Array(1024), publicKey: new Uint8Array(1024) });
  expect(doc.length).toBeGreaterThan(4096); // a large response crosses the 4096-byte request area intact
  expect(verifyAttestation(doc, { trustedRoots: [ca.certificate], expectedNonce: nonce }).nonce).toEqual(nonce);
  c.close();
  expect(seen.every((s) => s.request === 0xc0200a00 && s.respCap === 0x3000)).toBe(true);
  expect(Math.max(...seen.map((s) => s.reqLen))).toBeGreaterThan(3072);
});

test("the length the driver writes back is the length read", async () => {
  driver = async () => ({ value: 0, errno: 0, response: Buffer.from("6b44657363726962654e534dffff", "hex"), writeLength: 12n });
  // 12 bytes are "DescribeNSM" as a bare string: a well-formed (if wrong) answer; the trailing ffff is ignored
  await expect(new NsmClient(new DeviceTransport("/dev/null")).lockPcr(1)).rejects.toThrow(/expected LockPCR, got "DescribeNSM"/);
});

test("a driver length of zero or beyond the buffer is refused", async () => {
  for (const writeLength of [0n, 0x3001n, 1n << 40n]) {
    driver = async () => ({ value: 0, errno: 0, writeLength });
    await expect(new DeviceTransport("/dev/null").request(Uint8Array.of(0xf6))).rejects.toBeInstanceOf(NsmMalformedResponseError);
  }
});

test("errno after a failed ioctl becomes a typed error", async () => {
  driver = async () => ({ value: -1, errno: constants.errno.EMSGSIZE });
  await expect(new DeviceTransport("/dev/null").request(Uint8Array.of(0xf6))).rejects.toBeInstanceOf(NsmMessageSizeError);
  driver = async () => ({ value: -1, errno: constants.errno.ETIMEDOUT });
  await expect(new DeviceTransport("/dev/null").request(Uint8Array.of(0xf6))).rejects.toBeInstanceOf(NsmTimeoutError);
  driver = async () => ({ value: -1, errno: 0 }); // failure without errno: still an error, never a garbage read
  await expect(new DeviceTransport("/dev/null").request(Uint8Array.of(0xf6))).rejects.toMatchObject({ code: "NSM_DEVICE_ERROR", errno: "EIO" });
});

test("requests are copied: a caller reusing its buffer does not change a queued request", async () => {
  const t = new DeviceTransport("/dev/null");
  const buf = Buffer.from("69" + Buffer.from("GetRandom").toString("hex"), "hex");
  const first = t.request(buf);
  const second = t.request(buf);
  buf.fill(0);
  await expect(Promise.all([first, second])).resolves.toHaveLength(2);
  t.close();
});

test("close() answers the requests already queued, refuses new ones, then closes the device", async () => {
  const fds = new Set<number>();
  driver = async (m, fd) => {
    fds.add(fd);
    return nsmDriver(m, fd, 0);
  };
  const { fstatSync } = await import("node:fs");
  const client = new NsmClient(new DeviceTransport("/dev/null"));
  const queued = [client.getRandom(), client.describeNsm(), client.getRandom()]; // none sent yet: the device opens asynchronously
  client.close();
  await expect(client.getRandom()).rejects.toMatchObject({ code: "NSM_CLOSED" });
  const [a, described, b] = await Promise.all(queued);
  expect(a).toHaveLength(256);
  expect(b).toHaveLength(256);
  expect((described as { moduleId: string }).moduleId).toBe(nsm.moduleId);
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(fds.size).toBe(1);
  const [fd] = fds;
  expect(() => fstatSync(fd!)).toThrow(expect.objectContaining({ code: "EBADF" }));
});
