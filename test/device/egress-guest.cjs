// Runs inside the QEMU guest (after guest.cjs's NSM checks, with its check helpers): the enclave package
// against a real kernel. AF_VSOCK through the guest's vsock_loopback (CID 1): a stand-in for AWS's
// vsock-proxy (this file run as a separate process: a vsock listener that relays each connection to
// kms-local's TCP port, with plain blocking read/write/accept calls through ffi-rs, none of the package's
// code) in front of kms-local serving TLS with a certificate for kms.us-east-1.amazonaws.com from a test CA
// the host made with the openssl CLI; the enclave client decrypts through it, naming only the region. A
// refused port and a peer that closes mid-stream give typed errors. And seedEntropyFromNsm on the real
// /dev/nsm, with the kernel's entropy_avail before and after.
"use strict";
const { spawn } = require("node:child_process");
const { readdirSync, readFileSync } = require("node:fs");
const { Agent } = require("node:https");
const net = require("node:net");

const AF_VSOCK = 40;
const SOCK_STREAM = 1;
const SOCK_CLOEXEC = 0o2000000;
const VMADDR_CID_ANY = 0xffffffff;
const SHUT_WR = 1;
const SHUT_RDWR = 2;

// ---------------------------------------------------------------------------------------------------------
// The vsock-proxy stand-in, as its own process: `node egress-guest.cjs forward <vsock port> <tcp port>`
// relays every connection; `node egress-guest.cjs drop <vsock port>` reads what arrives first, then closes.

function libc() {
  const ffi = require("ffi-rs");
  const { DataType: T } = ffi;
  ffi.open({ library: "libc", path: "" });
  const call = (name, ret, types, values, runInNewThread = false) =>
    ffi.load({ library: "libc", funcName: name, retType: ret, paramsType: types, paramsValue: values, errno: true, runInNewThread });
  return {
    listen(port) {
      const s = call("socket", T.I32, [T.I32, T.I32, T.I32], [AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0]).value;
      const address = Buffer.alloc(16);
      address.writeUInt16LE(AF_VSOCK, 0);
      address.writeUInt32LE(port, 4);
      address.writeUInt32LE(VMADDR_CID_ANY, 8);
      const bound = call("bind", T.I32, [T.I32, T.U8Array, T.I32], [s, address, 16]);
      const listening = call("listen", T.I32, [T.I32, T.I32], [s, 16]);
      if (s < 0 || bound.value !== 0 || listening.value !== 0) throw new Error(`vsock listen on ${port} failed: errno ${bound.errnoCode || listening.errnoCode}`);
      return s;
    },
    accept: (s) => call("accept4", T.I32, [T.I32, T.U64, T.U64, T.I32], [s, 0, 0, SOCK_CLOEXEC], true),
    read: (fd, buf) => call("read", T.I64, [T.I32, T.U8Array, T.U64], [fd, buf, buf.length], true),
    write: (fd, buf) => call("write", T.I64, [T.I32, T.U8Array, T.U64], [fd, buf, buf.length], true),
    shutdown: (fd, how) => call("shutdown", T.I32, [T.I32, T.I32], [fd, how]),
    close: (fd) => call("close", T.I32, [T.I32], [fd]),
  };
}

async function serve(mode, vsockPort, tcpPort) {
  const c = libc();
  const s = c.listen(vsockPort);
  process.stdout.write("listening\n");
  for (;;) {
    const accepted = await c.accept(s);
    if (accepted.value < 0) continue;
    const fd = accepted.value;
    if (mode === "drop") {
      await c.read(fd, Buffer.alloc(16)); // the first bytes; the rest stays unread when the socket goes
      c.close(fd);
      continue;
    }
    const tcp = net.connect(tcpPort, "127.0.0.1");
    let closed = false;
    const closeOnce = () => {
      if (!closed) (closed = true), c.close(fd);
    };
    tcp.on("error", () => tcp.destroy());
    tcp.on("close", () => c.shutdown(fd, SHUT_RDWR)); // ends the blocking read below
    tcp.on("end", () => c.shutdown(fd, SHUT_WR));
    tcp.on("data", async (data) => {
      tcp.pause();
      for (let at = 0; at < data.length; ) {
        const n = (await c.write(fd, data.subarray(at))).value;
        if (n <= 0) return void tcp.destroy();
        at += n;
      }
      tcp.resume();
    });
    (async () => {
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = (await c.read(fd, buf)).value;
        if (n <= 0) break;
        await new Promise((resolve) => tcp.write(Buffer.from(buf.subarray(0, n)), resolve));
      }
      tcp.end();
      tcp.once("close", closeOnce);
      if (tcp.destroyed) closeOnce();
    })();
  }
}

if (require.main === module) {
  const [mode, vsockPort, tcpPort] = process.argv.slice(2);
  serve(mode, Number(vsockPort), Number(tcpPort)).catch((e) => {
    process.stderr.write(`vsock stand-in: ${e.stack}\n`);
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------------------------------------
// The checks, called by guest.cjs.

function standIn(mode, vsockPort, tcpPort = 0) {
  // Its own process, with its own thread pool for the blocking calls (as vsock-proxy runs on the parent).
  const child = spawn(process.execPath, [__filename, mode, String(vsockPort), String(tcpPort)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, UV_THREADPOOL_SIZE: "16" },
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the vsock stand-in exited (${code})`)));
    child.stdout.once("data", () => resolve(child));
  });
}

const openDescriptors = () => readdirSync("/proc/self/fd").length;
const entropyAvail = () => Number(readFileSync("/proc/sys/kernel/random/entropy_avail", "utf8"));
const settle = () => new Promise((r) => setTimeout(r, 200));

async function run({ check, assert, rejects, describe }) {
  const enclave = require("@nitro-enclaves-sdk/enclave");
  const { EnclaveHandle, parseAttestation } = require("@nitro-enclaves-sdk/nsm");
  const { SimulatedNsm, createSimulatorCa } = require("@nitro-enclaves-sdk/nsm/simulator");
  const { KmsLocal } = require("@nitro-enclaves-sdk/kms-local");
  const kms = require("@nitro-enclaves-sdk/client-kms");
  const tls = JSON.parse(readFileSync(__dirname + "/egress-tls.json", "utf8"));
  const children = [];
  let local;
  try {
    await check("seedEntropyFromNsm on /dev/nsm: RNDADDENTROPY accepted (credited, as root), entropy_avail does not drop", async () => {
      const before = entropyAvail();
      const result = await enclave.seedEntropyFromNsm();
      const after = entropyAvail();
      assert(result.bytes === 1024 && result.credited === true, `seedEntropyFromNsm answered ${describe(result)}`);
      assert(after >= before, `entropy_avail dropped from ${before} to ${after}`);
      return `entropy_avail ${before} -> ${after}`;
    });

    await check("vsock: a port nobody listens on (CID 1) is a VsockRefusedError (the kernel answers with a reset)", async () => {
      const e = await rejects(() => enclave.connectVsock({ cid: 1, port: 8999 }), enclave.VsockRefusedError, "connectVsock to a closed port");
      assert(e.errno === "ECONNRESET" || e.errno === "ECONNREFUSED", `errno ${e.errno}`);
      return e.errno;
    });

    const credentials = { accessKeyId: "kms-local", secretAccessKey: "kms-local" };
    const secret = Buffer.from("released to the enclave over vsock");
    let handle;
    let CiphertextBlob;
    await check("kms-local over TLS (a certificate for kms.us-east-1.amazonaws.com) and a vsock-proxy stand-in on vsock port 8000 start", async () => {
      const ca = createSimulatorCa();
      local = await KmsLocal.start({ tls: { cert: tls.certPem, key: tls.keyPem }, trustedRoots: [ca.certificatePem] });
      children.push(await standIn("forward", 8000, local.port));
      handle = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca }) });
      const pcr0 = Buffer.from(parseAttestation(await handle.attest()).pcrs.get(0)).toString("hex");
      const admin = new kms.KMSClient({ endpoint: local.endpoint, region: "us-east-1", credentials, requestHandler: { httpsAgent: new Agent({ ca: tls.caPem }) } });
      const policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["kms:Encrypt", "kms:Describe*", "kms:Get*", "kms:Put*"], Resource: "*" },
          { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEqualsIgnoreCase: { "kms:RecipientAttestation:PCR0": pcr0 } } },
        ],
      });
      const keyId = (await admin.send(new kms.CreateKeyCommand({ Policy: policy }))).KeyMetadata.Arn;
      CiphertextBlob = (await admin.send(new kms.EncryptCommand({ KeyId: keyId, Plaintext: secret }))).CiphertextBlob;
      admin.destroy();
      return local.endpoint;
    });

    await check("createEnclaveKmsClient over vsock (CID 1, a vsock-proxy stand-in) to kms-local over TLS: attested Decrypt, region endpoint never resolved", async () => {
      const before = openDescriptors();
      const viaVsock = enclave.createEnclaveKmsClient({ region: "us-east-1", egress: { vsock: { cid: 1, port: 8000 } }, credentials, handle, ca: [tls.caPem], maxAttempts: 1 });
      const direct = enclave.createEnclaveKmsClient({ endpoint: local.endpoint, region: "us-east-1", egress: "direct", credentials, handle, ca: [tls.caPem], maxAttempts: 1 });
      const decrypt = async (c) => Buffer.from((await c.send(new kms.DecryptCommand({ CiphertextBlob }))).Plaintext);
      const rate = async (c, n) => {
        const t = process.hrtime.bigint();
        for (let i = 0; i < n; i++) assert((await decrypt(c)).equals(secret), "a Decrypt returned other bytes");
        return n / (Number(process.hrtime.bigint() - t) / 1e9);
      };
      try {
        assert((await decrypt(viaVsock)).equals(secret), "the plaintext through vsock differs from what Encrypt took");
        await decrypt(direct);
        // Reported, not asserted (TCG): sequential calls on kept-alive connections, alternated.
        const rates = { vsock: [], direct: [] };
        for (let round = 0; round < 3; round++) {
          rates.vsock.push(await rate(viaVsock, 10));
          rates.direct.push(await rate(direct, 10));
        }
        const median = (xs) => [...xs].sort((a, b) => a - b)[1];
        return `vsock ${median(rates.vsock).toFixed(1)} calls/s, direct TLS ${median(rates.direct).toFixed(1)} calls/s (ratio ${(median(rates.vsock) / median(rates.direct)).toFixed(2)}, under TCG)`;
      } finally {
        viaVsock.destroy();
        direct.destroy();
        await settle();
        const after = openDescriptors();
        assert(after <= before, `descriptors: ${before} before, ${after} after destroy()`);
      }
    });

    await check("a vsock peer that closes mid-stream: the stream ends (EOF) or fails typed (ConnectionResetError), and is closed", async () => {
      children.push(await standIn("drop", 8001));
      const stream = await enclave.connectVsock({ cid: 1, port: 8001 }, { ioTimeoutMs: 10_000 });
      const outcome = new Promise((resolve) => {
        stream.on("error", (e) => resolve(e));
        stream.on("end", () => resolve("end"));
      });
      stream.resume();
      stream.write(Buffer.alloc(256 * 1024, 1), () => undefined);
      const got = await outcome;
      assert(got === "end" || got instanceof enclave.ConnectionResetError, `expected EOF or ConnectionResetError, got ${describe(got)}`);
      stream.destroy();
      return got === "end" ? "EOF" : `${got.code} (${got.errno})`;
    });

    await check("the enclave client through a vsock peer that closes mid-handshake: the call fails, typed where the kernel reports a reset", async () => {
      const c = enclave.createEnclaveKmsClient({ region: "us-east-1", egress: { vsock: { cid: 1, port: 8001 } }, credentials, handle, ca: [tls.caPem], maxAttempts: 1 });
      try {
        const e = await c.send(new kms.DecryptCommand({ CiphertextBlob })).then(
          () => null,
          (error) => error,
        );
        assert(e instanceof Error, "Decrypt succeeded through a peer that drops the connection");
        return `${e.name} ${e.code ?? ""}`.trim();
      } finally {
        c.destroy();
      }
    });
    handle?.close();
  } finally {
    for (const child of children) {
      child.removeAllListeners("exit");
      child.kill("SIGKILL");
    }
    await local?.close();
  }
}

module.exports = { run };
