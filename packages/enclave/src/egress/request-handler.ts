// The KMS client's request handler: each request leaves by the egress's route for its URL (a CONNECT
// proxy, vsock, or directly), through @smithy/node-http-handler with that route's agent, after the TLS
// policy has had its say (an https URL, certificate checks on). One NodeHttpHandler per agent.
import type { Agent } from "node:http";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { HttpHandlerOptions, HttpRequest, HttpResponse, NodeHttpHandlerOptions } from "@smithy/types";
import { checkTlsInProcess } from "../tls-policy.js";
import type { Egress } from "./egress.js";

export interface EgressRequestHandlerOptions {
  /** Milliseconds for a response to start (NodeHttpHandler's requestTimeout); 0 for none. */
  requestTimeoutMs?: number;
  allowTlsOutsideEnclave?: boolean;
}

export class EgressRequestHandler {
  readonly metadata = { handlerProtocol: "http/1.1" };
  readonly #egress: Egress;
  readonly #options: EgressRequestHandlerOptions;
  readonly #handlers = new Map<Agent, NodeHttpHandler>();
  readonly #config: NodeHttpHandlerOptions = {};

  constructor(egress: Egress, options: EgressRequestHandlerOptions = {}) {
    this.#egress = egress;
    this.#options = options;
  }

  async handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    checkTlsInProcess(request.protocol, this.#options.allowTlsOutsideEnclave === true);
    const host = request.hostname.includes(":") && !request.hostname.startsWith("[") ? `[${request.hostname}]` : request.hostname;
    const url = new URL(`${request.protocol}//${host}${request.port ? `:${request.port}` : ""}`);
    const agent = this.#egress.agentFor(url);
    let handler = this.#handlers.get(agent);
    if (!handler) {
      handler = new NodeHttpHandler({
        ...this.#config,
        requestTimeout: this.#options.requestTimeoutMs ?? this.#config.requestTimeout,
        ...(url.protocol === "https:" ? { httpsAgent: agent } : { httpAgent: agent }),
      });
      this.#handlers.set(agent, handler);
    }
    return handler.handle(request as Parameters<NodeHttpHandler["handle"]>[0], options) as Promise<{ response: HttpResponse }>;
  }

  updateHttpClientConfig(key: keyof NodeHttpHandlerOptions, value: NodeHttpHandlerOptions[typeof key]): void {
    (this.#config as Record<string, unknown>)[key] = value;
    for (const handler of this.#handlers.values()) handler.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs(): NodeHttpHandlerOptions {
    return { ...this.#config };
  }

  destroy(): void {
    for (const handler of this.#handlers.values()) handler.destroy();
    this.#handlers.clear();
    this.#egress.destroy();
  }
}
