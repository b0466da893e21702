// Where ffi-rs cannot be loaded (no prebuilt addon for the platform), the device transport says so with this
// package's own error, NsmFfiUnavailableError (errno ENOSYS), and the file it opened is not kept open.
jest.mock("ffi-rs", () => {
  throw new Error("no prebuilt ffi-rs addon for this platform");
});

import { readdirSync } from "node:fs";
import { DeviceTransport, NsmFfiUnavailableError } from "@nitro-enclaves-sdk/nsm";

test("a request through a platform without ffi-rs is NsmFfiUnavailableError, every time", async () => {
  const before = readdirSync("/proc/self/fd").length;
  const t = new DeviceTransport("/dev/null");
  for (let attempt = 0; attempt < 2; attempt++) {
    const error = await t.request(Uint8Array.of(0xf6)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NsmFfiUnavailableError);
    expect(error).toMatchObject({ code: "NSM_FFI_UNAVAILABLE", errno: "ENOSYS", cause: { code: "NATIVE_FFI_UNAVAILABLE" } });
  }
  t.close();
  expect(readdirSync("/proc/self/fd").length).toBe(before);
});
