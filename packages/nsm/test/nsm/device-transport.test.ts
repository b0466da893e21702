// The device transport's error paths, exercised against real files: no /dev/nsm exists here, and
// /dev/null answers the NSM ioctl with a real ENOTTY from the kernel, which proves the call path.
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { DeviceTransport, NSM_IOCTL_REQUEST } from "../../src/nsm/device-transport";
import {
  NsmArgumentError,
  NsmClosedError,
  NsmDeviceError,
  NsmInputTooLargeError,
  NsmNotInEnclaveError,
  NsmNotNsmDeviceError,
} from "../../src/errors";

const ok = Uint8Array.from([0x6b, ...Buffer.from("DescribeNSM")]);

test("the ioctl request code is _IOWR(0x0A, 0, 32)", () => {
  // _IOC(dir=READ|WRITE=3, type, nr, size) = dir << 30 | size << 16 | type << 8 | nr
  expect(NSM_IOCTL_REQUEST).toBe(((3 << 30) >>> 0) + (32 << 16) + (0x0a << 8) + 0);
});

test("a missing device means: not inside a Nitro Enclave", async () => {
  const t = new DeviceTransport("/nonexistent-dir/nsm");
  const error = await t.request(ok).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NsmNotInEnclaveError);
  expect(error).toMatchObject({ code: "NSM_NOT_IN_ENCLAVE", errno: "ENOENT", errnoNumber: constants.errno.ENOENT });
  expect((error as Error).message).toMatch(/not running inside a Nitro Enclave/);
});

(existsSync("/dev/nsm") ? test.skip : test)("the default path is /dev/nsm, and its absence is reported the same way", async () => {
  const t = new DeviceTransport();
  expect(t.path).toBe("/dev/nsm");
  await expect(t.request(ok)).rejects.toMatchObject({ code: "NSM_NOT_IN_ENCLAVE" });
});

test("a file that is not an NSM device gets a real ioctl and answers ENOTTY", async () => {
  const t = new DeviceTransport("/dev/null");
  try {
    const error = await t.request(ok).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NsmNotNsmDeviceError);
    expect(error).toMatchObject({ code: "NSM_NOT_NSM_DEVICE", errno: "ENOTTY", errnoNumber: constants.errno.ENOTTY });
    // the failed ioctl does not break the transport: the next request is sent again
    await expect(t.request(ok)).rejects.toBeInstanceOf(NsmNotNsmDeviceError);
  } finally {
    t.close();
  }
});

test("concurrent requests are queued and each gets its own answer", async () => {
  const t = new DeviceTransport("/dev/null");
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => t.request(ok)));
  t.close();
  for (const r of results) {
    expect(r.status).toBe("rejected");
    expect((r as PromiseRejectedResult).reason).toBeInstanceOf(NsmNotNsmDeviceError);
  }
});

test("requests over 4096 bytes are refused before the ioctl; 4096 bytes are sent", async () => {
  // Pointed at a missing device: the size check must fire before any open or ioctl.
  const missing = new DeviceTransport("/nonexistent-dir/nsm");
  const error = await missing.request(new Uint8Array(4097)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NsmInputTooLargeError);
  expect(error).toMatchObject({ code: "NSM_INPUT_TOO_LARGE", nsmErrorCode: "InputTooLarge" });
  const devNull = new DeviceTransport("/dev/null");
  await expect(devNull.request(new Uint8Array(4096).fill(0xf6))).rejects.toBeInstanceOf(NsmNotNsmDeviceError);
  devNull.close();
});

test("other OS errors keep their errno name", async () => {
  const t = new DeviceTransport("/tmp"); // a directory cannot be opened read-write
  const error = await t.request(ok).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NsmDeviceError);
  expect(error).toMatchObject({ code: "NSM_DEVICE_ERROR", errno: "EISDIR", errnoNumber: constants.errno.EISDIR });
});

test("arguments of the wrong type are refused before they reach ffi-rs", async () => {
  for (const bad of [42, "", "a\0b", null, {}]) {
    expect(() => new DeviceTransport(bad as unknown as string)).toThrow(NsmArgumentError);
  }
  const t = new DeviceTransport("/dev/null");
  for (const bad of ["DescribeNSM", 7, null, undefined, [0x60], new Uint16Array(2), new Uint8Array(0)]) {
    await expect(t.request(bad as unknown as Uint8Array)).rejects.toBeInstanceOf(NsmArgumentError);
  }
  t.close();
});

test("a closed transport refuses requests", async () => {
  const t = new DeviceTransport("/dev/null");
  await t.request(ok).catch(() => undefined); // opens the device
  t.close();
  await expect(t.request(ok)).rejects.toBeInstanceOf(NsmClosedError);
  t.close(); // closing twice is harmless
});
