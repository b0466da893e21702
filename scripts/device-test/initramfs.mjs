// Assembles the guest's initramfs: unpacked Debian packages laid over its root (busybox for init and tools,
// and for a foreign architecture the C libraries node links), the kernel modules to load (with the modules
// they depend on, in load order), a node binary (this host's, with the shared libraries it links, or one for
// the guest's architecture), built workspace packages with their runtime dependencies for the guest's
// platform, and the guest test script. What goes in is data the caller passes (targets.json).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, posix } from "node:path";
import { CpioWriter } from "./cpio.mjs";

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

/** Whether a package's `os`, `cpu` and `libc` fields (npm's rules: a list of names, or of "!name" exclusions) admit the platform. */
export function fitsPlatform(pkg, platform) {
  for (const field of ["os", "cpu", "libc"]) {
    const list = pkg[field];
    if (!Array.isArray(list) || list.length === 0 || platform[field] === undefined) continue;
    if (list.includes(`!${platform[field]}`)) return false;
    const allowed = list.filter((v) => typeof v === "string" && !v.startsWith("!"));
    if (allowed.length > 0 && !allowed.includes(platform[field])) return false;
  }
  return true;
}

const readPackageJson = (dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const isWorkspaceSpec = (spec) => String(spec).startsWith("workspace:");

/**
 * The workspace packages in `packageDirs` and every workspace package they depend on (a `workspace:` version),
 * found from each package as Node finds it: what the guest needs built and placed as published.
 */
export function workspacePackages(packageDirs) {
  const out = [];
  const visit = (dir) => {
    const root = realpathSync(dir);
    if (out.includes(root)) return;
    out.push(root);
    const pkg = readPackageJson(root);
    for (const [name, spec] of Object.entries(pkg.dependencies ?? {})) {
      if (!isWorkspaceSpec(spec)) continue;
      const found = findUp(root, name);
      if (!found) throw new Error(`${pkg.name} depends on ${name} (${spec}), which is not linked: run pnpm install`);
      visit(found);
    }
  };
  packageDirs.forEach(visit);
  return out;
}

/**
 * The runtime dependency closure of some packages for a platform ({ os, cpu, libc }), laid out as a node_modules
 * tree: each package goes to the top level unless another version already sits there, then beside its
 * dependent (Node resolves both). Installed packages built for another platform are left out; an optional
 * dependency that is not installed comes from `resolveMissing(name, versionSpec)` (a directory, or null to
 * leave it out), which is how a foreign platform's prebuilt binaries get in.
 * Returns [{ src, dest }] with dest relative to the tree's root.
 */
export function dependencyTree(packageDirs, { platform = {}, resolveMissing = () => null } = {}) {
  // The packages themselves are placed as published (package.json and its `files`), also where one depends on another.
  const own = new Set(packageDirs.map((dir) => readPackageJson(dir).name));
  const placed = new Map(); // top-level name -> version
  const out = [];
  const seen = new Set(); // src dirs already copied at some dest
  const visit = (pkgDir, destDir) => {
    const pkg = readPackageJson(pkgDir);
    const optional = pkg.optionalDependencies ?? {};
    const deps = { ...(pkg.dependencies ?? {}), ...optional };
    for (const [name, spec] of Object.entries(deps)) {
      if (own.has(name)) continue;
      if (isWorkspaceSpec(spec)) throw new Error(`${pkg.name} depends on the workspace package ${name}, which is not among the packages placed (see workspacePackages)`);
      let src = findUp(pkgDir, name);
      if (src && !fitsPlatform(readPackageJson(src), platform)) src = null;
      if (!src && Object.hasOwn(optional, name)) {
        src = resolveMissing(name, spec);
        if (!src || !fitsPlatform(readPackageJson(src), platform)) continue; // not for this platform
      }
      if (!src) throw new Error(`${pkg.name} depends on ${name}, which is not installed for ${JSON.stringify(platform)}`);
      const version = readPackageJson(src).version;
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
  // A dependency that cannot go to the top level goes beside its dependent: for a package itself, that is
  // its own folder, node_modules/<name> (the top level is where the other version already sits).
  for (const dir of packageDirs) {
    const root = realpathSync(dir);
    visit(root, posix.join("node_modules", readPackageJson(root).name));
  }
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
 * Lays an unpacked Debian package over the guest's root as it is (symbolic links stay links: they point into
 * the guest's tree, not the host's), without documentation and locale data (usr/share) or iconv modules (gconv).
 */
function addRoot(cpio, root, rel = "") {
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const r = posix.join(rel, e.name);
    const s = join(root, r);
    if (r === "usr/share" || e.name === "gconv" || (rel === "" && e.name.startsWith("."))) continue;
    if (e.isDirectory()) {
      cpio.dir(r);
      addRoot(cpio, root, r);
    } else if (e.isSymbolicLink()) cpio.symlink(r, readlinkSync(s));
    else if (e.isFile()) cpio.file(r, readFileSync(s), statSync(s).mode & 0o777);
  }
}

/**
 * Writes the initramfs to `out`.
 * @param {{ out: string, init: string, guestRoots: string[], modulesDir: string, modules: string[],
 *           node: string, linkHostLibraries: boolean, packageDirs: string[],
 *           platform: { os?: string, cpu?: string, libc?: string },
 *           resolveMissing?: (name: string, spec: string) => string | null,
 *           guestScript: string, appFiles?: Record<string, Buffer>, env?: Record<string, string> }} o
 *   guestRoots: unpacked Debian packages laid over the root (one of them must bring bin/busybox);
 *   modules: kernel modules that init loads, in this order after their dependencies;
 *   node: the node binary for the guest; linkHostLibraries: add the host libraries that it and the native
 *     addons link (`ldd`), for a node of the host's own architecture (a foreign one takes its libraries
 *     from guestRoots);
 *   packageDirs: built workspace packages, each placed as published (package.json and its `files`) under
 *     app/node_modules with the runtime dependencies for `platform` (see dependencyTree);
 *   appFiles: more files under /app; env: KEY=VALUE lines in /etc/guest.env, which init sources.
 */
export function buildInitramfs(o) {
  const modules = resolveModules(o.modulesDir, o.modules);
  const tree = dependencyTree(o.packageDirs, { platform: o.platform, resolveMissing: o.resolveMissing });
  const cpio = new CpioWriter(o.out);
  for (const d of ["proc", "sys", "dev", "tmp", "bin", "sbin", "etc", "lib/modules"]) cpio.dir(d);
  cpio.file("init", readFileSync(o.init), 0o755);
  for (const root of o.guestRoots) addRoot(cpio, root);
  if (!o.guestRoots.some((r) => existsSync(join(r, "bin/busybox")))) throw new Error("no guest package brings bin/busybox");
  cpio.symlink("bin/sh", "busybox");
  cpio.file("bin/node", readFileSync(o.node), 0o755);
  const env = Object.entries(o.env ?? {}).map(([k, v]) => {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(k) || !/^[\w./:,-]*$/.test(String(v))) throw new Error(`unsafe guest.env entry ${k}=${v}`);
    return `${k}=${v}\n`;
  });
  cpio.file("etc/guest.env", Buffer.from(env.join("")));

  for (const m of modules) cpio.file(`lib/modules/${m.name}.ko`, moduleBytes(m.file));
  cpio.file("etc/modules.order", Buffer.from(modules.map((m) => m.name).join("\n") + "\n"));

  // Each package as published (package.json and what its `files` lists: dist, a bin, ...), then their dependencies.
  for (const dir of o.packageDirs) {
    const pkg = readPackageJson(dir);
    const app = `app/node_modules/${pkg.name}`;
    cpio.file(`${app}/package.json`, readFileSync(join(dir, "package.json")));
    for (const entry of pkg.files ?? ["dist"]) {
      const src = join(dir, entry);
      if (!existsSync(src)) continue;
      if (statSync(src).isDirectory()) addTree(cpio, src, `${app}/${entry}`);
      else cpio.file(`${app}/${entry}`, readFileSync(src), statSync(src).mode & 0o777);
    }
  }
  const addons = [];
  for (const { src, dest } of tree) {
    addTree(cpio, src, `app/${dest}`, (_s, e) => e.name === "node_modules");
    addons.push(...nativeAddons(src));
  }
  cpio.file(`app/${basename(o.guestScript)}`, readFileSync(o.guestScript));
  for (const [name, data] of Object.entries(o.appFiles ?? {})) cpio.file(`app/${name}`, data);

  const libs = o.linkHostLibraries ? sharedLibraries([o.node, ...addons]) : [];
  for (const lib of libs) cpio.file(lib, readFileSync(realpathSync(lib)), 0o755);
  cpio.close();
  return { modules: modules.map((m) => m.name), packages: tree.map((t) => t.dest), libraries: libs };
}
