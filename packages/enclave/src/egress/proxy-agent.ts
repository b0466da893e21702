// Egress through an HTTP CONNECT proxy (Enclaver's odyn, a corporate proxy): https-proxy-agent opens the
// tunnel and runs TLS from this process to the target inside it, so the proxy sees the CONNECT line and
// TLS records, never a request or a response. What this file adds is failure handling: a proxy that
// refuses (407, 502, ...) becomes a ProxyRefusedError carrying its status line (https-proxy-agent would
// replay the proxy's answer to the HTTP client as if the target had sent it), a proxy that cannot be
// reached or closes before answering becomes a ProxyUnreachableError, and one that does not answer within
// connectTimeoutMs an EgressTimeoutError.
import type { ClientRequest } from "node:http";
import type { Socket } from "node:net";
import { HttpsProxyAgent } from "https-proxy-agent";
import { EgressTimeoutError, ProxyRefusedError, ProxyUnreachableError } from "../errors.js";
import { ETIMEDOUT, systemError } from "@nitro-enclaves-sdk/native";

export interface ConnectProxyAgentOptions {
  /** Trusted roots for the target's TLS certificate (instead of Node's bundled ones). */
  ca?: (string | Uint8Array)[];
  /** Longest wait for the proxy's connection and its answer to CONNECT. */
  connectTimeoutMs: number;
}

type AgentConnectOpts = Parameters<HttpsProxyAgent<string>["connect"]>[1];

interface ProxyAnswer {
  statusCode: number;
  statusText: string;
}

export class ConnectProxyAgent extends HttpsProxyAgent<string> {
  readonly #connectTimeoutMs: number;
  /** For the target's certificate only (https-proxy-agent would also use agent options for the proxy's TLS). */
  readonly #ca: (string | Buffer)[] | undefined;

  constructor(proxy: URL, options: ConnectProxyAgentOptions) {
    super(proxy.href, { keepAlive: true });
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#ca = options.ca?.map(pem);
  }

  /**
   * The pool's name for a connection. agent-base tells https from http by looking for node:https in the
   * call stack, which is not there when Node's agent files a freed socket: kept-alive connections would go
   * into a pool no request looks in. Node's https.request marks its options with its global agent, whose
   * protocol says it.
   */
  override getName(options?: AgentConnectOpts): string {
    const o = (options ?? {}) as { secureEndpoint?: unknown; protocol?: unknown; _defaultAgent?: { protocol?: unknown } };
    const secureEndpoint =
      typeof o.secureEndpoint === "boolean" ? o.secureEndpoint : typeof o.protocol === "string" ? o.protocol === "https:" : o._defaultAgent?.protocol === "https:";
    return super.getName({ ...o, secureEndpoint } as unknown as AgentConnectOpts);
  }

  override async connect(req: ClientRequest, opts: AgentConnectOpts): Promise<Socket> {
    const target = `${opts.host}:${opts.port}`;
    let answer: ProxyAnswer | undefined;
    const onAnswer = (connect: ProxyAnswer) => {
      answer = connect;
    };
    req.once("proxyConnect", onAnswer);
    // https-proxy-agent opens its socket to the proxy from connectOpts synchronously, before its first
    // await: a signal given there for this one call destroys that socket when the time is up.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.#connectTimeoutMs);
    const shared = this.connectOpts;
    let socket: Socket;
    try {
      this.connectOpts = { ...shared, signal: abort.signal } as typeof shared;
      let connecting: Promise<Socket>;
      try {
        connecting = super.connect(req, this.#ca ? ({ ...opts, ca: this.#ca } as AgentConnectOpts) : opts);
      } finally {
        this.connectOpts = shared;
      }
      socket = await connecting;
    } catch (error) {
      if (abort.signal.aborted) {
        throw new EgressTimeoutError(`the proxy ${this.proxy.host} did not answer CONNECT ${target} within ${this.#connectTimeoutMs} ms`, {
          errno: "ETIMEDOUT",
          cause: systemError(ETIMEDOUT, "connect"),
        });
      }
      const errno = (error as NodeJS.ErrnoException)?.code;
      const why = typeof errno === "string" ? `cannot reach the proxy ${this.proxy.host} (${errno})` : `the proxy ${this.proxy.host} closed the connection before answering CONNECT ${target}`;
      throw new ProxyUnreachableError(why, { errno: typeof errno === "string" ? errno : undefined, cause: error });
    } finally {
      clearTimeout(timer);
      req.off("proxyConnect", onAnswer);
    }
    if (answer && answer.statusCode !== 200) {
      socket.destroy(); // https-proxy-agent's stand-in socket, which would replay the proxy's answer as the target's
      throw new ProxyRefusedError(answer.statusCode, `${answer.statusCode} ${answer.statusText}`.trim(), target);
    }
    return socket;
  }
}

const pem = (value: string | Uint8Array) => (typeof value === "string" ? value : Buffer.from(value));
