#!/usr/bin/env node
// `pnpm test:device`: the nsm package's device transport against Linux's nsm driver and QEMU's virtio-nsm,
// the enclave package's vsock egress and entropy seeding against the guest's kernel (vsock_loopback,
// /dev/random), and the nitro-kms command on both, on a guest of the architecture chosen with --arch (targets.json says what each one boots).
//   1. prepare.sh fetches/builds QEMU (virtio-nsm) for that target, the kernel, the guest's Debian packages and
//      the firmware into a cache outside the repo; a node for a foreign guest and the platform packages with
//      its native addons come from the npm registry into the same cache (scripts/tool-cache.mjs);
//   2. the packages the guest loads (guest-packages.json) and the workspace packages they depend on are built
//      and packed with node, test/device/guest.cjs, test/device/egress-guest.cjs and test/device/cli-guest.cjs
//      into an initramfs;
//   3. QEMU boots it (TCG), the guest runs every NSM operation and reports over its second serial port;
//   4. this script checks the report and exits non-zero on any failed check, a missing report or a timeout.
// Options: --arch <x86_64|arm64>  the guest's architecture (default x86_64)
//          --report <file>  also write {passed, failed, skipped, skipReason?} as JSON (for .ci/run)
//          --keep           keep the work directory (initramfs, console and result logs)
//          --no-build       use the packages' dist as it is (a caller that has just built them)
// Environment: NSM_DEVICE_TEST_TIMEOUT (seconds for the boot; default bootTimeoutSeconds in targets.json),
// NSM_DEVICE_TEST_PREPARE_TIMEOUT (seconds for fetching and building, default 2400), NSM_DEVICE_TEST_CACHE,
// NSM_DEVICE_TEST_JOBS, NSM_DEVICE_TEST_MIRROR (Debian mirror, default http://deb.debian.org).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheRoot, npmPackage, ToolCacheError } from "../tool-cache.mjs";
import { bootGuest } from "./boot.mjs";
import { buildInitramfs, workspacePackages } from "./initramfs.mjs";
import { parseResults } from "./results.cjs";
import testCa from "../../test/test-ca.cjs";
const { createTestCa } = testCa;

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
/**
 * The workspace packages the guest loads (the NSM checks, test/device/egress-guest.cjs and
 * test/device/cli-guest.cjs), with the workspace packages they depend on (@nitro-enclaves-sdk/native).
 */
const guestPackageDirs = workspacePackages(JSON.parse(readFileSync(join(here, "guest-packages.json"), "utf8")).map((dir) => join(root, "packages", dir)));
const guestPackageNames = guestPackageDirs.map((dir) => basename(dir)).join(", ");
const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const reportPath = option("--report");
const keep = argv.includes("--keep");
const build = !argv.includes("--no-build");
const targets = JSON.parse(readFileSync(join(here, "targets.json"), "utf8"));
const arch = option("--arch") ?? "x86_64";
if (!Object.hasOwn(targets, arch)) {
  console.error(`[device-test] --arch must be one of ${Object.keys(targets).join(", ")}, not ${JSON.stringify(arch)}`);
  process.exit(2);
}
const target = targets[arch];
/** A timeout from the environment: a positive number of seconds (anything else would time out at once). */
function secondsFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!(n > 0 && n <= 86400)) {
    console.error(`[device-test] ${name} must be a positive number of seconds (at most 86400), not ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}
const timeoutS = secondsFromEnv("NSM_DEVICE_TEST_TIMEOUT", target.bootTimeoutSeconds);
// fetching and building QEMU is 5-10 minutes on two cores; beyond this something is wrong
const prepareTimeoutS = secondsFromEnv("NSM_DEVICE_TEST_PREPARE_TIMEOUT", 2400);

const log = (msg) => console.log(`[device-test ${arch}] ${msg}`);
const t0 = Date.now();
const secs = (t) => ((Date.now() - t) / 1000).toFixed(1);

function finish({ passed = 0, failed = 0, skipped = 0, skipReason }) {
  if (reportPath) writeFileSync(reportPath, JSON.stringify({ passed, failed, skipped, skipReason }) + "\n");
  if (skipped) log(`SKIPPED: ${skipReason}`);
  else log(`${failed === 0 ? "PASS" : "FAIL"}: ${passed} checks passed, ${failed} failed (${secs(t0)} s in all)`);
  process.exit(failed === 0 ? 0 : 1);
}

function prepare() {
  return new Promise((res) => {
    // detached: its own process group, so a timeout stops the whole build with it
    const env = {
      ...process.env,
      NSM_DEVICE_TEST_CACHE: cache,
      TARGET_NAME: arch,
      TARGET_QEMU: target.qemu.target,
      TARGET_QEMU_DEVICES: target.qemu.devices.join(" "),
      TARGET_QEMU_CONFIGURE: target.qemu.configure.join(" "),
      TARGET_QEMU_BUILD_DEPS: target.qemu.buildDeps.join(" "),
      TARGET_DEB_ARCH: target.debianArch,
      TARGET_KERNEL: target.kernel,
      TARGET_GUEST_DEBS: target.guestDebs.join(" "),
      TARGET_HOST_DEBS: Object.keys(target.qemu.firmware).join(" "),
    };
    const child = spawn("bash", [join(here, "prepare.sh")], { env, stdio: ["ignore", "pipe", "inherit"], detached: true });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const stop = () => {
      process.kill(-child.pid, "SIGTERM");
      process.exit(130);
    };
    process.once("SIGINT", stop).once("SIGTERM", stop);
    const timer = setTimeout(() => {
      log(`preparation still running after ${prepareTimeoutS} s: stopping it`);
      process.kill(-child.pid, "SIGTERM");
    }, prepareTimeoutS * 1000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      process.off("SIGINT", stop).off("SIGTERM", stop);
      const vars = Object.fromEntries(
        out.split("\n").filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
      );
      res({ code, vars });
    });
  });
}

const cache = cacheRoot();
const tPrepare = Date.now();
const { code: prepCode, vars } = await prepare();
if (prepCode === 77) finish({ skipped: 1, skipReason: vars.SKIP ?? "prepare.sh could not set the machine up" });
if (prepCode !== 0) {
  log(`preparing QEMU and the kernel failed (exit ${prepCode})`);
  finish({ failed: 1 });
}
log(`QEMU, kernel and Debian packages ready (${secs(tPrepare)} s): ${vars.QEMU}`);

// The guest's node: this host's own, or a release for the guest's architecture from the npm registry; and for
// a foreign guest, the platform packages that carry its native addons (the versions its dependents ask for).
// Without the registry and with nothing cached, this machine cannot run the test: a skip (ToolCacheError).
let node;
let nodeVersion;
if (target.node.from === "host") {
  node = process.execPath;
  nodeVersion = process.versions.node;
} else {
  const releases = JSON.parse(readFileSync(join(root, "scripts/node-releases.json"), "utf8"));
  nodeVersion = releases[target.node.release];
  try {
    node = join(npmPackage(`${target.node.package}@${nodeVersion}`, cache), "bin/node");
  } catch (e) {
    if (e instanceof ToolCacheError) finish({ skipped: 1, skipReason: e.message });
    throw e;
  }
}
const resolveMissing = (name, spec) => (target.platformPackages.includes(name) ? npmPackage(`${name}@${spec}`, cache) : null);
const splitDirs = (v) => (v ? v.split(":") : []);
const firmware = splitDirs(vars.HOST_DEBS).map((dir, i) => join(dir, Object.values(target.qemu.firmware)[i]));

if (build) {
  const tBuild = Date.now();
  const filters = guestPackageDirs.flatMap((dir) => ["--filter", `./${relative(root, dir)}`]);
  const b = spawnSync("pnpm", [...filters, "build"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (b.status !== 0) {
    console.log(`${b.stdout ?? ""}${b.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n"));
    log(`building the guest's packages (${guestPackageNames}) failed (exit ${b.status})`);
    finish({ failed: 1 });
  }
  log(`packages built: ${guestPackageNames} (${secs(tBuild)} s)`);
}

// The initramfs (node alone is ~100 MB) is written to the temp directory.
const tmpFree = statfsSync(tmpdir());
if (tmpFree.bavail * tmpFree.bsize < 400 * 2 ** 20) finish({ skipped: 1, skipReason: `less than 400 MB free in ${tmpdir()} for the initramfs` });
const work = mkdtempSync(join(tmpdir(), "nsm-device-test-"));
// SIGINT/SIGTERM from here on stop QEMU and still remove the work directory (the default would leave both).
const interrupt = new AbortController();
const onSignal = (sig) => {
  log(`${sig}: stopping`);
  interrupt.abort();
};
process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
let outcome;
try {
  const tInit = Date.now();
  const initramfs = join(work, "initramfs.cpio");
  // A fresh module id for QEMU's device each run: the guest must read back exactly this one.
  const moduleId = `i-${randomBytes(8).toString("hex")}-enc${randomBytes(8).toString("hex")}`;
  const info = buildInitramfs({
    out: initramfs,
    init: join(here, "init.sh"),
    guestRoots: splitDirs(vars.GUEST_DEBS),
    modulesDir: vars.MODULES,
    modules: target.modules,
    node,
    linkHostLibraries: target.node.from === "host",
    packageDirs: guestPackageDirs,
    platform: { os: "linux", cpu: target.nodeArch, libc: "glibc" },
    resolveMissing,
    guestScript: join(root, "test/device/guest.cjs"),
    appFiles: {
      "expect.json": Buffer.from(JSON.stringify({ moduleId, arch: target.nodeArch, node: nodeVersion })),
      "egress-guest.cjs": readFileSync(join(root, "test/device/egress-guest.cjs")),
      "cli-guest.cjs": readFileSync(join(root, "test/device/cli-guest.cjs")),
      // kms-local's TLS in the guest: a certificate for the region's KMS name, from a CA the openssl CLI makes here.
      "egress-tls.json": Buffer.from(JSON.stringify(createTestCa(["kms.us-east-1.amazonaws.com", "127.0.0.1"]))),
    },
    env: { RESULTS: `/dev/${target.serial[1]}` },
  });
  const mb = (statSync(initramfs).size / 2 ** 20).toFixed(0);
  log(`initramfs ${mb} MiB (${secs(tInit)} s): modules ${info.modules.join(", ")}; packages ${info.packages.length}`);

  log(`booting ${vars.KERNEL.split("/").pop()} with node ${nodeVersion} under QEMU (TCG), at most ${timeoutS} s`);
  const run = await bootGuest({
    qemu: vars.QEMU,
    machine: target.qemu.machine,
    console: target.serial[0],
    firmware,
    kernel: vars.KERNEL,
    initramfs,
    workDir: work,
    timeoutMs: timeoutS * 1000,
    moduleId,
    signal: interrupt.signal,
  });
  const r = parseResults(run.results);
  for (const c of r.cases) console.log(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}${c.detail ? ` — ${c.detail}` : ""}`);
  if (run.interrupted) r.problems.push("interrupted: QEMU was stopped");
  else if (run.timedOut) r.problems.push(`the guest did not finish within ${timeoutS} s and was stopped`);
  else if (run.code !== 0) r.problems.push(`QEMU exited with ${run.code ?? run.signal}: ${run.stderr.trim().slice(0, 500)}`);
  for (const p of r.problems) console.log(`  FAIL ${p}`);
  const phases = r.uptime.boot >= 0 && r.uptime.exit >= 0 ? ` (kernel boot ${r.uptime.boot.toFixed(1)} s, checks ${(r.uptime.exit - r.uptime.boot).toFixed(1)} s)` : "";
  log(`guest ran ${(run.ms / 1000).toFixed(1)} s${phases}`);
  const failed = r.failed + (r.problems.length > 0 ? 1 : 0);
  if (failed > 0) {
    console.log("---- guest console (last 60 lines) ----");
    console.log(run.console.split("\n").slice(-60).join("\n"));
    const stray = run.results.split("\n").filter((l) => l.trim() && !l.includes("NSMT {"));
    if (stray.length) console.log("---- other output on the result port ----\n" + stray.slice(-40).join("\n"));
  }
  outcome = { passed: r.passed, failed };
} catch (e) {
  if (e instanceof ToolCacheError) outcome = { skipped: 1, skipReason: e.message };
  else {
    log(`device test could not run: ${e?.stack ?? e}`);
    outcome = { failed: 1 };
  }
} finally {
  if (keep) log(`work directory kept: ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
finish(outcome);
