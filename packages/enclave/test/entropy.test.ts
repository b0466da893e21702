// seedEntropyFromNsm against the host's real /dev/random (the kernel is the judge of the ioctl) with a
// simulated NSM for GetRandom. As root the RNDADDENTROPY ioctl is accepted and credited (an unprivileged
// process: test/enclave/entropy-unprivileged.test.ts). The real /dev/nsm is exercised in the QEMU guest.
import { EnclaveOptionsError, EntropySeedError, seedEntropyFromNsm } from "@nitro-enclaves-sdk/enclave";
import { NsmClient } from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";

const nsm = new NsmClient(new SimulatedNsm({ ca: createSimulatorCa() }));
const asRoot = process.getuid?.() === 0 ? test : test.skip;

asRoot("as root: NSM random bytes are added to /dev/random with RNDADDENTROPY and credited", async () => {
  let calls = 0;
  const counting = { getRandom: () => (calls++, nsm.getRandom()) };
  expect(await seedEntropyFromNsm(1024, { nsm: counting })).toEqual({ bytes: 1024, credited: true });
  expect(calls).toBe(4); // the NSM answers 256 bytes per GetRandom
  expect(await seedEntropyFromNsm(1, { nsm })).toEqual({ bytes: 1, credited: true });
});

test("a device that is not /dev/random (ENOTTY) is an EntropySeedError; bad arguments are EnclaveOptionsError", async () => {
  await expect(seedEntropyFromNsm(32, { nsm, randomDevice: "/dev/null" })).rejects.toBeInstanceOf(EntropySeedError);
  for (const bytes of [0, -1, 1.5, 64 * 1024 + 1, Number.NaN]) await expect(seedEntropyFromNsm(bytes, { nsm })).rejects.toBeInstanceOf(EnclaveOptionsError);
  await expect(seedEntropyFromNsm(32, { nsm: {} as never })).rejects.toBeInstanceOf(EnclaveOptionsError);
});

test("an NSM that fails or answers nothing is an EntropySeedError", async () => {
  await expect(seedEntropyFromNsm(32, { nsm: { getRandom: async () => { throw new Error("nsm down"); } } })).rejects.toBeInstanceOf(EntropySeedError);
  await expect(seedEntropyFromNsm(32, { nsm: { getRandom: async () => new Uint8Array(0) } })).rejects.toBeInstanceOf(EntropySeedError);
});
