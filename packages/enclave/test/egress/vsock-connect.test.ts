// connectVsock's failures as this host's kernel produces them. The host has AF_VSOCK (a guest transport)
// but no vsock loopback transport: connecting to its own CID is ENODEV from the kernel, and a connection to
// CID 1 (the local CID) is never answered, so it times out. Connections that succeed, refusals and a peer
// that closes mid-stream are checked against a real vsock loopback in the QEMU guest (test/device).
import { closeSync, existsSync, openSync } from "node:fs";
import { EgressTimeoutError, EnclaveOptionsError, VsockUnreachableError, connectVsock } from "@nitro-enclaves-sdk/enclave";
import { libc } from "@nitro-enclaves-sdk/native";
import { openDescriptors } from "./socket-pair";

const IOCTL_VM_SOCKETS_GET_LOCAL_CID = 0x7b9;
const hasVsock = existsSync("/dev/vsock");
const hasLoopback = existsSync("/sys/module/vsock_loopback");
const vsockWithoutLoopback = hasVsock && !hasLoopback ? test : test.skip;

/** A descriptor given up while a poll() watched it is closed once that poll returns. */
const settled = () => new Promise((r) => setTimeout(r, 50));

async function localCid(): Promise<number> {
  const fd = openSync("/dev/vsock", "r");
  try {
    const out = Buffer.alloc(4);
    const r = (await libc()).ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, out);
    if (r.value !== 0) throw new Error(`IOCTL_VM_SOCKETS_GET_LOCAL_CID failed: errno ${r.errno}`);
    return out.readUInt32LE(0);
  } finally {
    closeSync(fd);
  }
}

test.each([
  [{ cid: -1, port: 8000 }],
  [{ cid: 3, port: 2 ** 32 }],
  [{ cid: 3.5, port: 8000 }],
  [{ cid: "3", port: 8000 }],
  [Object.create({ cid: 3, port: 8000 })],
  [null],
])("%j is refused before any socket is made (EnclaveOptionsError)", async (address) => {
  await expect(connectVsock(address as never)).rejects.toBeInstanceOf(EnclaveOptionsError);
});

vsockWithoutLoopback("this machine's own CID, with no loopback transport: VsockUnreachableError (ENODEV), no descriptor left open", async () => {
  const cid = await localCid();
  await connectVsock({ cid: 1, port: 1 }, { connectTimeoutMs: 1 }).catch(() => undefined); // the poller's eventfd exists from here on
  await settled();
  const before = openDescriptors();
  const error = await connectVsock({ cid, port: 8000 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(VsockUnreachableError);
  expect(error).toMatchObject({ code: "ENCLAVE_VSOCK_UNREACHABLE", errno: "ENODEV", cause: { code: "ENODEV" } });
  expect(openDescriptors()).toBe(before);
});

vsockWithoutLoopback("a CID that never answers: EgressTimeoutError (ETIMEDOUT) after connectTimeoutMs, no descriptor left open", async () => {
  await settled();
  const before = openDescriptors();
  const error = await connectVsock({ cid: 1, port: 8000 }, { connectTimeoutMs: 200 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EgressTimeoutError);
  expect(error).toMatchObject({ code: "ENCLAVE_EGRESS_TIMEOUT", errno: "ETIMEDOUT", cause: { code: "ETIMEDOUT" } });
  await settled();
  expect(openDescriptors()).toBe(before);
});
