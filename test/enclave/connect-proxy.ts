// A small HTTP CONNECT proxy on loopback for the egress tests, recording everything it relays. Besides
// tunnelling (as Enclaver's odyn and any forward proxy do), it can misbehave the ways proxies do: answer
// CONNECT with an error status, close the connection before answering, never answer, or terminate the
// TLS itself with a certificate of its own and relay the plaintext to the target (a man in the middle).
// With `routes`, it stands for an egress proxy with an allow-list (Enclaver's odyn): only the listed
// targets are reached, each at the loopback address it is mapped to (so a client can ask for
// kms.us-east-1.amazonaws.com:443 and reach a local server), and every other CONNECT is refused.
import { once } from "node:events";
import { createServer, connect as netConnect, type AddressInfo, type Server, type Socket } from "node:net";
import { TLSSocket, connect as tlsConnect } from "node:tls";

export type ProxyMode =
  | { kind: "tunnel" }
  | { kind: "refuse"; statusLine: string }
  | { kind: "close" }
  | { kind: "silent" }
  | { kind: "intercept"; certPem: string; keyPem: string; targetCa: string };

export interface Tunnel {
  /** The CONNECT request line, e.g. "CONNECT localhost:4600 HTTP/1.1". */
  connectLine: string;
  /** Every byte the client sent after the CONNECT request's headers. */
  fromClient: Buffer[];
  /** Every byte the target sent back. */
  fromTarget: Buffer[];
}

export interface ConnectProxyOptions {
  /** "host:port" asked for -> "host:port" connected to; when given, CONNECTs to anything else are refused. */
  routes?: Record<string, string>;
}

export class ConnectProxy {
  readonly tunnels: Tunnel[] = [];
  /** CONNECT lines refused because `routes` does not list their target. */
  readonly refused: string[] = [];
  mode: ProxyMode = { kind: "tunnel" };
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #routes: Map<string, string> | undefined;

  private constructor(server: Server, routes: Record<string, string> | undefined) {
    this.#server = server;
    this.#routes = routes && new Map(Object.entries(routes));
  }

  static async start(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
    const server = createServer();
    const proxy = new ConnectProxy(server, options.routes);
    server.on("connection", (socket) => proxy.#accept(socket));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #accept(client: Socket): void {
    this.#sockets.add(client);
    client.on("close", () => this.#sockets.delete(client));
    client.on("error", () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      client.off("data", onData);
      client.pause();
      const connectLine = head.subarray(0, head.indexOf("\r\n")).toString("latin1");
      const rest = head.subarray(end + 4);
      const tunnel: Tunnel = { connectLine, fromClient: rest.length ? [rest] : [], fromTarget: [] };
      this.tunnels.push(tunnel);
      this.#answer(client, tunnel);
    };
    client.on("data", onData);
  }

  #answer(client: Socket, tunnel: Tunnel): void {
    const mode = this.mode;
    const match = /^CONNECT ([^\s:]+|\[[^\]]+\]):(\d+) HTTP\/1\.[01]$/.exec(tunnel.connectLine);
    if (mode.kind === "silent") return;
    if (mode.kind === "close" || !match) return void client.destroy();
    if (mode.kind === "refuse") return void client.end(`HTTP/1.1 ${mode.statusLine}\r\nContent-Length: 0\r\n\r\n`);
    let [, host, port] = match;
    if (this.#routes) {
      const route = this.#routes.get(`${host}:${port}`);
      if (route === undefined) {
        this.refused.push(tunnel.connectLine);
        const body = "blocked by egress security policy"; // odyn's answer
        return void client.end(`HTTP/1.1 401 Unauthorized\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      }
      [host, port] = [route.slice(0, route.lastIndexOf(":")), route.slice(route.lastIndexOf(":") + 1)];
    }
    const target = netConnect({ host: host.replace(/^\[|\]$/g, ""), port: Number(port) });
    this.#sockets.add(target);
    target.on("close", () => this.#sockets.delete(target));
    target.on("error", () => client.destroy());
    client.on("close", () => target.destroy());
    target.once("connect", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (mode.kind === "tunnel") {
        client.on("data", (d: Buffer) => tunnel.fromClient.push(d));
        target.on("data", (d: Buffer) => tunnel.fromTarget.push(d));
        client.pipe(target);
        target.pipe(client);
        client.resume();
        return;
      }
      // intercept: TLS ends here, with this proxy's certificate; a new TLS connection goes to the target
      const inner = new TLSSocket(client, { isServer: true, cert: mode.certPem, key: mode.keyPem });
      const outer = tlsConnect({ socket: target, servername: host, ca: [mode.targetCa] });
      inner.on("error", () => client.destroy());
      outer.on("error", () => client.destroy());
      inner.pipe(outer);
      outer.pipe(inner);
    });
  }
}

/**
 * Splits bytes into TLS records (RFC 8446 5.1: type 20-23, legacy version 0x0301-0x0303, length at most
 * 2^14 + 256) and returns their content types; throws if the bytes are anything else.
 */
export function tlsRecordTypes(bytes: Buffer): number[] {
  const types: number[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (bytes.length - at < 5) throw new Error(`a partial TLS record header at byte ${at}`);
    const type = bytes[at];
    const version = bytes.readUInt16BE(at + 1);
    const length = bytes.readUInt16BE(at + 3);
    if (type < 20 || type > 23 || version < 0x0301 || version > 0x0303 || length > 16384 + 256) {
      throw new Error(`not a TLS record at byte ${at}: ${bytes.subarray(at, at + 5).toString("hex")}`);
    }
    types.push(type);
    at += 5 + length;
    if (at > bytes.length) throw new Error("a TLS record runs past the end of what was relayed");
  }
  return types;
}
