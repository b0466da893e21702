// seedEntropyFromNsm in a process without CAP_SYS_ADMIN (the built package, run as nobody): the kernel
// refuses RNDADDENTROPY with EPERM, so the NSM's bytes are written to /dev/random, mixed in without credit.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "../..");
const asRoot = process.getuid?.() === 0 ? test : test.skip;

asRoot("as an unprivileged user: { credited: false }, the bytes written instead", () => {
  const script = `
    const enclave = require(${JSON.stringify(join(root, "packages/enclave/dist/cjs/index.js"))});
    const nsm = require(${JSON.stringify(join(root, "packages/nsm/dist/cjs/index.js"))});
    const simulator = require(${JSON.stringify(join(root, "packages/nsm/dist/cjs/simulator/index.js"))});
    const client = new nsm.NsmClient(new simulator.SimulatedNsm({ ca: simulator.createSimulatorCa() }));
    enclave.seedEntropyFromNsm(300, { nsm: client }).then(
      (r) => process.stdout.write(JSON.stringify({ uid: process.getuid(), ...r })),
      (e) => process.stdout.write(JSON.stringify({ error: e.code })));`;
  const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { uid: 65534, gid: 65534, encoding: "utf8" }));
  expect(out).toEqual({ uid: 65534, bytes: 300, credited: false });
});
