// A connected pair of AF_UNIX stream sockets made through the same ffi-rs calls as the vsock egress, each
// end wrapped in an FdStream: a real kernel socket on the host, where there is no vsock loopback.
import { readdirSync } from "node:fs";
import { fdPoller } from "../../src/egress/fd-poller";
import { FdStream, type FdStreamOptions } from "../../src/egress/fd-stream";
import { AF_UNIX, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_STREAM } from "@nitro-enclaves-sdk/native";

export async function socketPair(options: FdStreamOptions = {}, other: FdStreamOptions = options): Promise<[FdStream, FdStream]> {
  const poller = await fdPoller();
  const { fds, errno } = poller.libc.socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (!fds) throw new Error(`socketpair failed: errno ${errno}`);
  return [new FdStream(fds[0], poller, { label: "a", ...options }), new FdStream(fds[1], poller, { label: "b", ...other })];
}

/** This process's open descriptors, as the kernel lists them. */
export const openDescriptors = () => readdirSync("/proc/self/fd").length;

/** Resolves with the stream's first error, or rejects if it ends or closes without one. */
export function errorOf(stream: NodeJS.EventEmitter): Promise<Error> {
  return new Promise((resolve, reject) => {
    stream.once("error", resolve);
    stream.once("close", () => setImmediate(() => reject(new Error("closed without an error"))));
  });
}

/** Everything the stream delivers until its end (without `for await`, which destroys a Duplex when its reading side ends). */
export function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.once("end", () => resolve(Buffer.concat(chunks)));
    stream.once("error", reject);
  });
}
