// An https.Agent whose connections are TLS, from this process, over a vsock connection: for AWS's
// vsock-proxy on the parent instance, which forwards one vsock port to one host:443 (kmstool's
// --proxy-port). The request's host names the certificate to expect (SNI and verification); the vsock
// address says where the bytes go. Connections are kept alive and reused as by any https.Agent: an idle
// pooled connection is unref'd (as Node's agent unrefs its free sockets), so it does not keep the process
// running, and destroying the TLS socket closes the vsock descriptor.
import { Agent, type AgentOptions } from "node:https";
import type { Duplex } from "node:stream";
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from "node:tls";
import { connectVsock, type VsockAddress, type VsockConnectOptions } from "./vsock-connect.js";

export interface VsockAgentOptions extends VsockConnectOptions {
  /** Trusted roots for the target's TLS certificate (instead of Node's bundled ones). */
  ca?: (string | Uint8Array)[];
}

export class VsockAgent extends Agent {
  readonly address: VsockAddress;
  readonly #connect: VsockConnectOptions;

  constructor(address: VsockAddress, options: VsockAgentOptions = {}) {
    const { ca, ...connect } = options;
    const agentOptions: AgentOptions = { keepAlive: true };
    if (ca) agentOptions.ca = ca.map((c) => (typeof c === "string" ? c : Buffer.from(c)));
    super(agentOptions);
    this.address = address;
    this.#connect = connect;
  }

  /** Called by Node's agent for a new connection; answers through `callback` once the vsock connection is up. */
  createConnection(options: ConnectionOptions, callback: (error: Error | null, socket?: Duplex) => void): undefined {
    connectVsock(this.address, this.#connect).then(
      (stream) => {
        const socket: TLSSocket = tlsConnect({ ...options, socket: stream });
        const { ref, unref } = socket;
        socket.ref = function () {
          stream.ref();
          return ref.call(this);
        };
        socket.unref = function () {
          stream.unref();
          return unref.call(this);
        };
        socket.once("close", () => stream.destroy());
        callback(null, socket);
      },
      (error: Error) => callback(error),
    );
    return undefined;
  }
}
