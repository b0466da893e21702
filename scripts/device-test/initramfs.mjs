// Assembles the guest's initramfs: busybox (init and tools), the kernel modules the NSM needs (with the
// modules they depend on, in load order), this host's node binary with the shared libraries it links, the
// built nsm package with its runtime dependencies, and the guest test script.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, posix } from "node:path";
import { CpioWriter } from "./cpio.mjs";

/** Modules to load in the guest: nsm provides /dev/nsm; virtio_mmio serves microvm-style machines. */
export const GUEST_MODULES = ["nsm", "virtio_mmio"];

function modinfoBinary() {
  for (const p of ["/usr/sbin/modinfo", "/sbin/modinfo", "/usr/bin/modinfo"]) if (existsSync(p)) return p;
  return "modinfo";
}

function indexModules(dir) {
  const byName = new Map();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ko(\.xz|\.zst|\.gz)?$/.test(e.name)) byName.set(e.name.replace(/\.ko.*$/, "").replace(/-/g, "_"), p);
    }
  };
  walk(dir);
  return byName;
}

/** Resolves the modules and everything they depend on (modinfo's `depends`), dependencies first. */
export function resolveModules(modulesDir, names) {
  const index = indexModules(modulesDir);
  const modinfo = modinfoBinary();
  const order = [];
  const visiting = new Set();
  const visit = (raw) => {
    const name = raw.replace(/-/g, "_");
    if (order.some((m) => m.name === name)) return;
    if (visiting.has(name)) throw new Error(`module dependency cycle at ${name}`);
    const file = index.get(name);
    if (!file) throw new Error(`kernel module ${name} not found under ${modulesDir}`);
    visiting.add(name);
    const deps = execFileSync(modinfo, ["-F", "depends", file], { encoding: "utf8" }).trim();
    for (const d of deps.split(",").filter(Boolean)) visit(d);
    visiting.delete(name);
    order.push({ name, file });
  };
  for (const n of names) visit(n);
  return order;
}

function moduleBytes(file) {
  if (file.endsWith(".xz")) return execFileSync("xz", ["-dc", file], { maxBuffer: 1 << 28 });
  if (file.endsWith(".zst")) return execFileSync("zstd", ["-dc", file], { maxBuffer: 1 << 28 });
  if (file.endsWith(".gz")) return execFileSync("gzip", ["-dc", file], { maxBuffer: 1 << 28 });
  return readFileSync(file);
}

/** The shared libraries (and the ELF interpreter) that `ldd` reports for the given binaries. */
export function sharedLibraries(binaries) {
  const libs = new Set();
  for (const bin of binaries) {
    let out;
    try {
      out = execFileSync("ldd", [bin], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch {
      continue; // a prebuilt addon for another platform (or a static binary): nothing to bring
    }
    for (const line of out.split("\n")) {
      const m = line.match(/=>\s*(\/\S+)/) ?? line.match(/^\s*(\/\S+)\s+\(0x/);
      if (m) libs.add(m[1]);
    }
  }
  return [...libs];
}

function findUp(fromDir, name) {
  for (let d = fromDir; ; d = dirname(d)) {
    const candidate = join(d, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(d) === d) return null;
  }
}

/**
 * The runtime dependency closure of a package, laid out as a node_modules tree: each package goes to the top
 * level unless another version already sits there, then beside its dependent (Node resolves both).
 * Returns [{ src, dest }] with dest relative to the tree's root.
 */
export function dependencyTree(packageDir) {
  const placed = new Map(); // top-level name -> version
  const out = [];
  const seen = new Set(); // src dirs already copied at some dest
  const visit = (pkgDir, destDir) => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
    const deps = { ...(pkg.dependencies ?? {}), ...(pkg.optionalDependencies ?? {}) };
    for (const name of Object.keys(deps)) {
      const src = findUp(pkgDir, name);
      if (!src) {
        if (pkg.optionalDependencies?.[name]) continue; // optional: not installed for this platform
        throw new Error(`${pkg.name} depends on ${name}, which is not installed`);
      }
      const version = JSON.parse(readFileSync(join(src, "package.json"), "utf8")).version;
      let dest;
      if (!placed.has(name)) {
        placed.set(name, version);
        dest = posix.join("node_modules", name);
      } else if (placed.get(name) === version) {
        continue;
      } else {
        dest = posix.join(destDir, "node_modules", name);
      }
      const key = `${src}|${dest}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ src, dest });
      visit(src, dest);
    }
  };
  // A dependency that cannot go to the top level goes beside its dependent: for the package itself, that is
  // its own folder, node_modules/<name> (the top level is where the other version already sits).
  const root = realpathSync(packageDir);
  visit(root, posix.join("node_modules", JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name));
  return out;
}

function addTree(cpio, src, dest, skip = () => false) {
  for (const e of readdirSync(src, { withFileTypes: true })) {
    const s = join(src, e.name);
    const d = posix.join(dest, e.name);
    if (skip(s, e)) continue;
    if (e.isDirectory()) addTree(cpio, s, d, skip);
    else if (e.isFile()) cpio.file(d, readFileSync(s), statSync(s).mode & 0o777);
    else if (e.isSymbolicLink()) {
      const real = realpathSync(s);
      if (statSync(real).isDirectory()) addTree(cpio, real, d, skip);
      else cpio.file(d, readFileSync(real), statSync(real).mode & 0o777);
    }
  }
}

function nativeAddons(dir, acc = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) nativeAddons(p, acc);
    else if (e.isFile() && e.name.endsWith(".node")) acc.push(p);
  }
  return acc;
}

/**
 * Writes the initramfs to `out`.
 * @param {{ out: string, busybox: string, modulesDir: string, init: string, guestScript: string,
 *           packageDir: string, nodeBinary?: string, appFiles?: Record<string, Buffer> }} o
 */
export function buildInitramfs(o) {
  const nodeBinary = o.nodeBinary ?? process.execPath;
  const modules = resolveModules(o.modulesDir, GUEST_MODULES);
  const tree = dependencyTree(o.packageDir);
  const cpio = new CpioWriter(o.out);
  for (const d of ["proc", "sys", "dev", "tmp", "bin", "sbin", "etc", "lib/modules"]) cpio.dir(d);
  cpio.file("init", readFileSync(o.init), 0o755);
  cpio.file("bin/busybox", readFileSync(o.busybox), 0o755);
  cpio.symlink("bin/sh", "busybox");
  cpio.file("bin/node", readFileSync(nodeBinary), 0o755);

  for (const m of modules) cpio.file(`lib/modules/${m.name}.ko`, moduleBytes(m.file));
  cpio.file("etc/modules.order", Buffer.from(modules.map((m) => m.name).join("\n") + "\n"));

  // The nsm package as published (package.json + dist), then its dependencies.
  const app = "app/node_modules/@nitro-enclaves-sdk/nsm";
  cpio.file(`${app}/package.json`, readFileSync(join(o.packageDir, "package.json")));
  addTree(cpio, join(o.packageDir, "dist"), `${app}/dist`);
  const addons = [];
  for (const { src, dest } of tree) {
    addTree(cpio, src, `app/${dest}`, (_s, e) => e.name === "node_modules");
    addons.push(...nativeAddons(src));
  }
  cpio.file(`app/${basename(o.guestScript)}`, readFileSync(o.guestScript));
  for (const [name, data] of Object.entries(o.appFiles ?? {})) cpio.file(`app/${name}`, data);

  const libs = sharedLibraries([nodeBinary, ...addons]);
  for (const lib of libs) cpio.file(lib, readFileSync(realpathSync(lib)), 0o755);
  cpio.close();
  return { modules: modules.map((m) => m.name), packages: tree.map((t) => t.dest), libraries: libs };
}
