#!/usr/bin/env node
// `pnpm test:device`: the nsm package's device transport against Linux's nsm driver and QEMU's virtio-nsm.
//   1. prepare.sh fetches/builds QEMU (virtio-nsm), the kernel, busybox and seabios into a cache outside the repo;
//   2. the nsm package is built and packed with node and test/device/guest.cjs into an initramfs;
//   3. QEMU boots it (TCG), the guest runs every NSM operation and reports over its second serial port;
//   4. this script checks the report and exits non-zero on any failed check, a missing report or a timeout.
// Options: --report <file>  also write {passed, failed, skipped, skipReason?} as JSON (for .ci/run)
//          --keep           keep the work directory (initramfs, console and result logs)
// Environment: NSM_DEVICE_TEST_TIMEOUT (seconds for the boot, default 180), NSM_DEVICE_TEST_PREPARE_TIMEOUT
// (seconds for fetching and building, default 2400), NSM_DEVICE_TEST_CACHE, NSM_DEVICE_TEST_JOBS,
// NSM_DEVICE_TEST_MIRROR (Debian mirror, default http://deb.debian.org).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statfsSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bootGuest } from "./boot.mjs";
import { buildInitramfs } from "./initramfs.mjs";
import { parseResults } from "./results.cjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const argv = process.argv.slice(2);
const reportPath = argv.includes("--report") ? argv[argv.indexOf("--report") + 1] : undefined;
const keep = argv.includes("--keep");
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
const timeoutS = secondsFromEnv("NSM_DEVICE_TEST_TIMEOUT", 180);
// fetching and building QEMU is 5-10 minutes on two cores; beyond this something is wrong
const prepareTimeoutS = secondsFromEnv("NSM_DEVICE_TEST_PREPARE_TIMEOUT", 2400);

const log = (msg) => console.log(`[device-test] ${msg}`);
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
    const child = spawn("bash", [join(here, "prepare.sh")], { stdio: ["ignore", "pipe", "inherit"], detached: true });
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

const tPrepare = Date.now();
const { code: prepCode, vars } = await prepare();
if (prepCode === 77) finish({ skipped: 1, skipReason: vars.SKIP ?? "prepare.sh could not set the machine up" });
if (prepCode !== 0) {
  log(`preparing QEMU and the kernel failed (exit ${prepCode})`);
  finish({ failed: 1 });
}
log(`QEMU, kernel and firmware ready (${secs(tPrepare)} s): ${vars.QEMU}`);

const tBuild = Date.now();
const build = spawnSync("pnpm", ["--filter", "@nitro-enclaves-sdk/nsm", "build"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
if (build.status !== 0) {
  console.log(`${build.stdout ?? ""}${build.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n"));
  log(`building @nitro-enclaves-sdk/nsm failed (exit ${build.status})`);
  finish({ failed: 1 });
}
log(`nsm package built (${secs(tBuild)} s)`);

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
    busybox: vars.BUSYBOX,
    modulesDir: vars.MODULES,
    init: join(here, "init.sh"),
    guestScript: join(root, "test/device/guest.cjs"),
    packageDir: join(root, "packages/nsm"),
    appFiles: { "expect.json": Buffer.from(JSON.stringify({ moduleId })) },
  });
  const mb = (statSync(initramfs).size / 2 ** 20).toFixed(0);
  log(`initramfs ${mb} MiB (${secs(tInit)} s): modules ${info.modules.join(", ")}; packages ${info.packages.length}`);

  log(`booting ${vars.KERNEL.split("/").pop()} under QEMU (TCG), at most ${timeoutS} s`);
  const run = await bootGuest({
    qemu: vars.QEMU,
    firmware: vars.FIRMWARE.split(":"),
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
  log(`device test could not run: ${e?.stack ?? e}`);
  outcome = { failed: 1 };
} finally {
  if (keep) log(`work directory kept: ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
finish(outcome);
