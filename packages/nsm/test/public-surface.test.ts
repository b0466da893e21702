// What the package's entry points expose and load: the main entry carries no simulator, and
// requiring it loads neither pkijs nor asn1js (only the simulator needs them); the simulator is
// reachable through "@nitro-enclaves-sdk/nsm/simulator" (package.json exports and the simulator/
// folder for resolvers that do not read exports).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as main from "@nitro-enclaves-sdk/nsm";
import * as simulator from "@nitro-enclaves-sdk/nsm/simulator";
import { REQUIRE_TYPESCRIPT } from "./source-in-child";

const pkg = join(__dirname, "..");

/** The npm packages a fresh process has loaded after requiring `entry` (a source file). */
function packagesLoadedBy(entry: string): string[] {
  const script = `${REQUIRE_TYPESCRIPT}
    const before = new Set(Object.keys(require.cache));
    require(${JSON.stringify(entry)});
    const loaded = Object.keys(require.cache).filter((f) => !before.has(f)).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\/(?!.*node_modules)/.exec(f)?.[1]).filter(Boolean);
    process.stdout.write(JSON.stringify([...new Set(loaded)].sort()));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: pkg, encoding: "utf8" }));
}

test("requiring the main entry loads no pkijs, no asn1js, and no ffi-rs until a device is used", () => {
  const loaded = packagesLoadedBy(join(pkg, "src/index.ts"));
  expect(loaded).toContain("cbor-x"); // the probe sees what it loads
  for (const name of ["pkijs", "asn1js", "ffi-rs"]) expect(loaded).not.toContain(name);
});

test("the simulator entry is where pkijs and asn1js come in", () => {
  const loaded = packagesLoadedBy(join(pkg, "src/simulator/index.ts"));
  expect(loaded).toEqual(expect.arrayContaining(["pkijs", "asn1js"]));
});

test("the main entry has no simulator exports and no test-only constants", () => {
  for (const name of ["SimulatedNsm", "SimulatorCa", "createSimulatorCa", "loadOrCreateSimulatorCa", "NSM_IOCTL_REQUEST", "NSM_REQUEST_MAX_SIZE", "NSM_RESPONSE_MAX_SIZE"]) {
    expect(Object.keys(main)).not.toContain(name);
  }
  expect(Object.keys(simulator).sort()).toEqual(["SimulatedNsm", "SimulatorCa", "createSimulatorCa", "loadOrCreateSimulatorCa"]);
});

test("package.json and the simulator/ folder point at the same built files", () => {
  const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  const folder = JSON.parse(readFileSync(join(pkg, "simulator/package.json"), "utf8"));
  const exported = manifest.exports["./simulator"];
  expect(join(pkg, exported.require)).toBe(join(pkg, "simulator", folder.main));
  expect(join(pkg, exported.import)).toBe(join(pkg, "simulator", folder.module));
  expect(join(pkg, exported.types)).toBe(join(pkg, "simulator", folder.types));
  expect(manifest.files).toContain("simulator");
});

test("every error class declares its code once, as a static the instances carry", () => {
  const classes = Object.values(main).filter((v): v is typeof main.NitroEnclavesError => typeof v === "function" && v.prototype instanceof Error);
  expect(classes.length).toBeGreaterThan(30);
  const codes = new Map<string, string>();
  for (const kind of classes) {
    expect(typeof kind.code).toBe("string");
    expect(Object.prototype.hasOwnProperty.call(kind, "code")).toBe(true);
    const other = codes.get(kind.code);
    if (other) throw new Error(`${kind.name} and ${other} share the code ${kind.code}`);
    codes.set(kind.code, kind.name);
  }
  expect(new main.NsmArgumentError("x").code).toBe("NSM_BAD_ARGUMENT");
  expect(new main.NsmNotInEnclaveError("x", "ENOENT").code).toBe("NSM_NOT_IN_ENCLAVE");
  expect(new main.NsmInternalError().code).toBe("NSM_INTERNAL_ERROR");
  expect(new main.UnsupportedAlgorithmError("x")).toMatchObject({ code: "ATTESTATION_UNSUPPORTED_ALGORITHM", name: "UnsupportedAlgorithmError" });
  expect(new main.KeyRetiredError().code).toBe("ENCLAVE_KEY_RETIRED");
});
