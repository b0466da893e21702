// ffi-rs is loaded by the first call that needs it, never by importing the package; where it cannot be loaded
// (no prebuilt addon for the platform), libc() says so with an FfiUnavailableError, and the next call tries again.
let mockLoads = 0;
let mockMissing = false;
jest.mock("ffi-rs", () => {
  mockLoads++;
  if (mockMissing) throw new Error("no prebuilt ffi-rs addon for this platform");
  return jest.requireActual("ffi-rs");
});

import { FfiUnavailableError, NativeError, libc } from "@nitro-enclaves-sdk/native";

test("importing the package loads no ffi-rs; an unavailable ffi-rs is FfiUnavailableError; a later call loads it", async () => {
  expect(mockLoads).toBe(0);
  mockMissing = true;
  const error = await libc().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FfiUnavailableError);
  expect(error).toBeInstanceOf(NativeError);
  expect(error).toMatchObject({ code: "NATIVE_FFI_UNAVAILABLE", name: "FfiUnavailableError", cause: { message: "no prebuilt ffi-rs addon for this platform" } });
  expect(mockLoads).toBe(1);

  mockMissing = false;
  const c = await libc();
  expect(mockLoads).toBe(2);
  expect(c.close(0x7ffffff0)).toMatchObject({ value: -1 }); // a real call: no such descriptor
  expect(await libc()).toBe(c); // loaded and opened once
  expect(mockLoads).toBe(2);
});
