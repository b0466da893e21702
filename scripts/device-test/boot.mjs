// Boots the guest under QEMU (TCG: no KVM is assumed) on the target's machine (`-M pc`, `-M virt -cpu max`)
// with a virtio-nsm-pci device and two serial ports (console, results), and waits for it to reset itself, or
// kills it at the deadline or when `signal` aborts (the test was interrupted).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * @param {{ qemu: string, machine: string[], console: string, firmware: string[], kernel: string,
 *           initramfs: string, workDir: string, timeoutMs: number, moduleId: string, memoryMb?: number,
 *           signal?: AbortSignal }} o
 *   machine: QEMU's machine and CPU options; console: the guest's name for the first serial port (ttyS0).
 * @returns {Promise<{ code: number|null, signal: string|null, timedOut: boolean, interrupted: boolean, ms: number,
 *                     console: string, results: string, stderr: string }>}
 */
export function bootGuest(o) {
  const consoleLog = join(o.workDir, "console.log");
  const resultsLog = join(o.workDir, "results.log");
  const args = [
    ...o.machine, "-accel", "tcg", "-smp", "1", "-m", String(o.memoryMb ?? 1024),
    "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
    ...o.firmware.flatMap((d) => ["-L", d]),
    "-kernel", o.kernel, "-initrd", o.initramfs,
    "-append", `console=${o.console} panic=-1 quiet loglevel=4 rdinit=/init`,
    "-serial", `file:${consoleLog}`, "-serial", `file:${resultsLog}`,
    "-device", `virtio-nsm-pci,module-id=${o.moduleId}`,
  ];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(o.qemu, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    let timedOut = false;
    let interrupted = false;
    const stop = () => {
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 3000).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, o.timeoutMs);
    const onAbort = () => {
      interrupted = true;
      stop();
    };
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener("abort", onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
    };
    child.on("error", (e) => {
      settle();
      reject(e);
    });
    child.on("exit", (code, signal) => {
      settle();
      const read = (p) => {
        try {
          return readFileSync(p, "utf8");
        } catch {
          return "";
        }
      };
      resolve({ code, signal, timedOut, interrupted, ms: Date.now() - started, console: read(consoleLog), results: read(resultsLog), stderr });
    });
  });
}
