// Runs inside the QEMU guest (after guest.cjs's and egress-guest.cjs's checks, with guest.cjs's helpers):
// nitro-kms as a script inside an enclave runs it, the built bin spawned, against this kernel. The way out is
// vsock to CID 1 (vsock_loopback), where egress-guest.cjs's vsock-proxy stand-in relays to kms-local serving
// TLS with a certificate for kms.us-east-1.amazonaws.com from the host's test CA (--ca-bundle).
//   - doctor without --simulate: QEMU's virtio-nsm answers, the kernel's pool takes 1024 bytes from it and
//     credits them (RNDADDENTROPY, as root), KMS answers through vsock, credentials are found;
//   - genrandom --proxy-cid 1 --proxy-port: kmstool_enclave_cli's output, 32 bytes, exit 0, with the simulated
//     NSM (its CA is the one kms-local trusts); without --simulate the document comes from QEMU's NSM, which
//     does not sign, and KMS's refusal is the one line, exit 255;
//   - a vsock port nobody listens on: exit 255, one line.
"use strict";
const { spawn } = require("node:child_process");
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const BIN = join(__dirname, "node_modules/@nitro-enclaves-sdk/cli/bin/nitro-kms.js");
const PROXY_PORT = 8010;

function nitroKms(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function standIn(vsockPort, tcpPort) {
  const child = spawn(process.execPath, [join(__dirname, "egress-guest.cjs"), "forward", String(vsockPort), String(tcpPort)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, UV_THREADPOOL_SIZE: "16" },
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the vsock stand-in exited (${code})`)));
    child.stdout.once("data", () => resolve(child));
  });
}

async function run({ check, assert, describe }) {
  const { KmsLocal } = require("@nitro-enclaves-sdk/kms-local");
  const { loadOrCreateSimulatorCa } = require("@nitro-enclaves-sdk/nsm/simulator");
  const tls = JSON.parse(readFileSync(join(__dirname, "egress-tls.json"), "utf8"));
  const caBundle = "/tmp/kms-ca.pem";
  const simulatorCa = "/tmp/simulator-ca.pem";
  writeFileSync(caBundle, tls.caPem);
  let local;
  let proxy;
  const common = ["--proxy-cid", "1", "--proxy-port", String(PROXY_PORT), "--ca-bundle", caBundle, "-k", "kms-local", "-s", "kms-local"];
  const oneLine = (r, what) => {
    assert(r.code === 255, `${what}: exit ${r.code}, stdout ${describe(r.stdout)}, stderr ${describe(r.stderr)}`);
    assert(r.stdout === "" && r.stderr.split("\n").length === 2, `${what}: not one line on stderr: ${describe(r.stderr)}`);
  };
  try {
    await check("nitro-kms: kms-local over TLS, trusting a simulator CA, behind a vsock-proxy stand-in on vsock port 8010", async () => {
      const ca = loadOrCreateSimulatorCa(simulatorCa);
      local = await KmsLocal.start({ tls: { cert: tls.certPem, key: tls.keyPem }, trustedRoots: [ca.certificatePem] });
      proxy = await standIn(PROXY_PORT, local.port);
      return local.endpoint;
    });

    await check("nitro-kms doctor on /dev/nsm through vsock: nsm, entropy (credited), egress, credentials ok; exit 0", async () => {
      const r = await nitroKms(["doctor", ...common]);
      const lines = r.stdout.split("\n").filter(Boolean);
      const statuses = lines.map((l) => l.replace(/:.*/, "").replace(/\s+/, " "));
      assert(r.code === 0 && r.stderr === "", `exit ${r.code}, stderr ${describe(r.stderr)}, stdout ${describe(r.stdout)}`);
      assert(describe(statuses) === describe(["ok nsm", "ok entropy", "ok egress", "ok credentials", "skip key"]), `checks ${describe(lines)}`);
      assert(/^ok {4}entropy: 1024 bytes from the NSM fed to the kernel's pool and credited$/.test(lines[1]), lines[1]);
      assert(lines[2].includes(`vsock-proxy at vsock 1:${PROXY_PORT}`), lines[2]);
      return lines[2].slice(6);
    });

    await check("nitro-kms genrandom --length 32 --proxy-cid 1 --proxy-port 8010 --simulate: PLAINTEXT: <32 bytes>, exit 0", async () => {
      const r = await nitroKms(["genrandom", "--length", "32", ...common, "--simulate", "--simulator-ca", simulatorCa]);
      const m = /^PLAINTEXT: ([A-Za-z0-9+/]+={0,2})\n$/.exec(r.stdout);
      assert(r.code === 0 && r.stderr === "" && m, `exit ${r.code}, stdout ${describe(r.stdout)}, stderr ${describe(r.stderr)}`);
      assert(Buffer.from(m[1], "base64").length === 32, `${Buffer.from(m[1], "base64").length} bytes`);
      return "32 bytes";
    });

    await check("nitro-kms genrandom on /dev/nsm: QEMU's unsigned document reaches KMS, whose refusal is the one line, exit 255", async () => {
      const r = await nitroKms(["genrandom", "--length", "32", ...common]);
      oneLine(r, "genrandom");
      assert(/^nitro-kms genrandom: ValidationException: /.test(r.stderr), describe(r.stderr));
      return r.stderr.trim();
    });

    await check("nitro-kms genrandom to a vsock port nobody listens on: exit 255, one line", async () => {
      const r = await nitroKms(["genrandom", "--length", "32", "--proxy-cid", "1", "--proxy-port", "8999", "--ca-bundle", caBundle, "-k", "kms-local", "-s", "kms-local", "--simulate"]);
      oneLine(r, "genrandom");
      return r.stderr.trim();
    });
  } finally {
    proxy?.removeAllListeners("exit");
    proxy?.kill("SIGKILL");
    await local?.close();
  }
}

module.exports = { run };
