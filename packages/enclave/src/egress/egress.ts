// The way out of the enclave, as an option: "environment" (the default: HTTPS_PROXY / NO_PROXY as
// Enclaver's odyn sets them, else direct), "direct", { proxy: "http://host:port" } (every request through
// that CONNECT proxy) or { vsock: { cid, port } } (AWS's vsock-proxy on the parent: https requests go over
// vsock to the one host it forwards to; plain http ones, such as instance metadata, directly). Egress
// hands out the Node agent for each URL, made once per route and kept alive.
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { EnclaveOptionsError } from "../errors.js";
import { ownProperty } from "../own-property.js";
import { proxyFromEnvironment } from "./no-proxy.js";
import { ConnectProxyAgent } from "./proxy-agent.js";
import { VsockAgent } from "./vsock-agent.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, checkVsockAddress, type VsockAddress } from "./vsock-connect.js";

export type EgressOption = "environment" | "direct" | { proxy: string } | { vsock: VsockAddress };

export interface EgressSettings {
  /** Trusted roots for TLS certificates (instead of Node's bundled ones), PEM. */
  ca?: (string | Uint8Array)[];
  /** Longest wait for a connection (the proxy's answer to CONNECT included); default 10 000 ms. */
  connectTimeoutMs?: number;
  /** vsock only: longest silence on a connection in use before it is dropped; default 60 000 ms, 0 never. */
  ioTimeoutMs?: number;
}

export const DEFAULT_IO_TIMEOUT_MS = 60_000;

type Route = { kind: "direct" } | { kind: "proxy"; proxy: URL } | { kind: "vsock"; address: VsockAddress };

export class Egress {
  readonly #route: Route | "environment";
  readonly #settings: Required<Omit<EgressSettings, "ca">> & Pick<EgressSettings, "ca">;
  readonly #agents = new Map<string, HttpAgent>();

  constructor(option: unknown = "environment", settings: EgressSettings = {}) {
    this.#route = checkEgress(option);
    this.#settings = {
      ca: settings.ca,
      connectTimeoutMs: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      ioTimeoutMs: settings.ioTimeoutMs ?? DEFAULT_IO_TIMEOUT_MS,
    };
  }

  /** How a request to `url` leaves: "direct", "proxy http://...", "vsock 3:8000". */
  describe(url: URL): string {
    const route = this.#routeFor(url);
    return route.kind === "direct" ? "direct" : route.kind === "proxy" ? `proxy ${route.proxy.origin}` : `vsock ${route.address.cid}:${route.address.port}`;
  }

  /** The agent for a request to `url` (http: or https:). */
  agentFor(url: URL): HttpAgent {
    const route = this.#routeFor(url);
    const secure = url.protocol === "https:";
    const key = route.kind === "direct" ? `direct ${url.protocol}` : route.kind === "proxy" ? `proxy ${route.proxy.href}` : "vsock";
    let agent = this.#agents.get(key);
    if (!agent) {
      const { ca, connectTimeoutMs, ioTimeoutMs } = this.#settings;
      if (route.kind === "proxy") agent = new ConnectProxyAgent(route.proxy, { ca, connectTimeoutMs });
      else if (route.kind === "vsock") agent = new VsockAgent(route.address, { ca, connectTimeoutMs, ioTimeoutMs });
      else if (secure) agent = new HttpsAgent({ keepAlive: true, ...(ca ? { ca: ca.map(pem) } : {}) });
      else agent = new HttpAgent({ keepAlive: true });
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /** Closes every connection the agents keep. */
  destroy(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  #routeFor(url: URL): Route {
    const route = this.#route;
    if (route === "environment") {
      const proxy = proxyFromEnvironment(url);
      return proxy ? { kind: "proxy", proxy } : { kind: "direct" };
    }
    if (route.kind === "vsock" && url.protocol !== "https:") return { kind: "direct" }; // vsock-proxy forwards TLS to one host only
    return route;
  }
}

const pem = (value: string | Uint8Array) => (typeof value === "string" ? value : Buffer.from(value));

function checkEgress(option: unknown): Route | "environment" {
  if (option === "environment") return option;
  if (option === "direct") return { kind: "direct" };
  const proxy = ownProperty(option, "proxy");
  const vsock = ownProperty(option, "vsock");
  if (typeof option === "object" && option !== null && Object.keys(option).length === 1) {
    if (typeof proxy === "string") {
      let url: URL;
      try {
        url = new URL(proxy);
      } catch {
        throw new EnclaveOptionsError("egress.proxy must be a URL such as http://127.0.0.1:3128");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new EnclaveOptionsError("egress.proxy must be an http:// or https:// URL");
      return { kind: "proxy", proxy: url };
    }
    if (vsock !== undefined) {
      return { kind: "vsock", address: checkVsockAddress(vsock, "egress.vsock") };
    }
  }
  throw new EnclaveOptionsError('egress must be "environment", "direct", { proxy: "http://host:port" } or { vsock: { cid, port } }');
}
