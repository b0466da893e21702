// Where ffi-rs cannot be loaded (no prebuilt addon for the platform), importing the package still works (only
// the vsock egress and the entropy seeding need it), and those say so with this package's errors.
let mockLoads = 0;
jest.mock("ffi-rs", () => {
  mockLoads++;
  throw new Error("no prebuilt ffi-rs addon for this platform");
});

import { EgressError, connectVsock, seedEntropyFromNsm } from "@nitro-enclaves-sdk/enclave";
import { NsmClient } from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";

test("importing the package loads no ffi-rs", () => {
  expect(mockLoads).toBe(0);
});

test("connectVsock without ffi-rs is an EgressError whose cause says ffi-rs is unavailable", async () => {
  const error = await connectVsock({ cid: 3, port: 8000 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EgressError);
  expect(error).toMatchObject({ code: "ENCLAVE_EGRESS_FAILED", cause: { code: "NATIVE_FFI_UNAVAILABLE" } });
  expect(mockLoads).toBeGreaterThan(0);
});

test("seedEntropyFromNsm without ffi-rs fails the same way, before anything is written to the random device", async () => {
  const nsm = new NsmClient(new SimulatedNsm({ ca: createSimulatorCa() }));
  await expect(seedEntropyFromNsm(32, { nsm, randomDevice: "/dev/null" })).rejects.toMatchObject({ code: "ENCLAVE_EGRESS_FAILED" });
});
