// The process-wide handle: one per process, concurrent callers share one initialisation, a failed
// initialisation is retried by the next call. Each test loads a fresh copy of the module.
import type { EnclaveHandle } from "../../src/handle/enclave-handle";
import type { NsmTransport } from "../../src/nsm/transport";
import { SimulatedNsm } from "../../src/simulator/simulated-nsm";
import { createSimulatorCa } from "../../src/simulator/ca";

type Module = typeof import("../../src/handle/get-or-initialize");
const ca = createSimulatorCa();

function freshModule(): Module {
  let mod: Module | undefined;
  jest.isolateModules(() => {
    mod = require("../../src/handle/get-or-initialize");
  });
  return mod!;
}

/** A simulator that counts DescribeNSM requests (one per handle initialisation) and can be made to fail. */
function countingTransport(failFirst = 0) {
  const nsm = new SimulatedNsm({ ca });
  const state = { describes: 0, failures: failFirst };
  const transport: NsmTransport = {
    async request(r) {
      if (Buffer.from(r).includes("DescribeNSM")) {
        state.describes++;
        if (state.failures > 0) {
          state.failures--;
          throw Object.assign(new Error("device busy"), { code: "TEST_FAILURE" });
        }
      }
      return nsm.request(r);
    },
  };
  return { transport, state };
}

test("concurrent callers share one initialisation and get the same handle", async () => {
  const { getOrInitializeHandle } = freshModule();
  const { transport, state } = countingTransport();
  const handles = await Promise.all([getOrInitializeHandle({ transport }), getOrInitializeHandle(), getOrInitializeHandle({ transport }), getOrInitializeHandle()]);
  expect(new Set(handles).size).toBe(1);
  expect(state.describes).toBe(1);
  expect(await getOrInitializeHandle()).toBe(handles[0]);
  expect(state.describes).toBe(1);
});

test("a failed initialisation is not cached: the next call tries again", async () => {
  const { getOrInitializeHandle } = freshModule();
  const { transport, state } = countingTransport(1);
  const [a, b] = await Promise.allSettled([getOrInitializeHandle({ transport }), getOrInitializeHandle({ transport })]);
  // both callers of the failed attempt see its error, and it was one attempt
  expect(a).toMatchObject({ status: "rejected", reason: { code: "TEST_FAILURE" } });
  expect(b).toMatchObject({ status: "rejected", reason: { code: "TEST_FAILURE" } });
  expect(state.describes).toBe(1);
  const handle: EnclaveHandle = await getOrInitializeHandle({ transport });
  expect(state.describes).toBe(2);
  expect(handle.publicKey.length).toBeGreaterThan(0);
});

test("asking for a different handle than the one the process has is an error, not a silent substitute", async () => {
  const { getOrInitializeHandle } = freshModule();
  const { transport } = countingTransport();
  const handle = await getOrInitializeHandle({ transport });
  await expect(getOrInitializeHandle({ transport: countingTransport().transport })).rejects.toMatchObject({ code: "ENCLAVE_HANDLE_INIT_FAILED" });
  await expect(getOrInitializeHandle({ rsaModulusBits: 3072 })).rejects.toMatchObject({ code: "ENCLAVE_HANDLE_INIT_FAILED" });
  await expect(getOrInitializeHandle({ transport, rsaModulusBits: 2048 })).resolves.toBe(handle);
});

test("a later caller that leaves rsaModulusBits out gets the handle, whatever size it was made with", async () => {
  const { getOrInitializeHandle } = freshModule();
  const { transport } = countingTransport();
  const handle = await getOrInitializeHandle({ transport, rsaModulusBits: 3072 });
  expect(handle.rsaModulusBits).toBe(3072);
  await expect(getOrInitializeHandle({ transport })).resolves.toBe(handle);
  await expect(getOrInitializeHandle({ transport, rsaModulusBits: 2048 })).rejects.toMatchObject({ code: "ENCLAVE_HANDLE_INIT_FAILED" });
});

test("invalid options are refused without starting an initialisation", async () => {
  const { getOrInitializeHandle } = freshModule();
  await expect(getOrInitializeHandle({ rsaModulusBits: 512 as 2048 })).rejects.toMatchObject({ code: "NSM_BAD_ARGUMENT" });
  const { transport, state } = countingTransport();
  await getOrInitializeHandle({ transport });
  expect(state.describes).toBe(1);
});
