// The app's start-up, in order: the NSM and its handle; a KMS client that attests, leaves the enclave the
// way the environment says and keeps TLS in this process; the data key; the record store; the HTTP API.
// stop() closes them in reverse: no new requests, running ones finish, then KMS connections and the NSM.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import { createEnclaveKmsClient, fromParentStream, type EgressOption } from "@nitro-enclaves-sdk/enclave";
import type { Config } from "./config.js";
import { loadOrCreateDataKey } from "./data-key.js";
import { createApiServer } from "./http-api.js";
import type { Log } from "./log.js";
import { openNsm } from "./nsm.js";
import { RecordStore } from "./record-store.js";

export interface RunningApp {
  /** The API's address, e.g. http://127.0.0.1:8080. */
  url: string;
  pcr0: string;
  stop(): Promise<void>;
}

/** How long running requests may take to finish once stop() is called. */
const DRAIN_MS = 10_000;

export async function startApp(config: Config, log: Log, io: { stdin: Readable }): Promise<RunningApp> {
  const nsm = await openNsm(config.simulator, log);
  log(`PCR0 ${nsm.pcr0}`);
  const egress: EgressOption = config.vsock ? { vsock: config.vsock } : "environment";
  log(`KMS: ${config.kmsEndpoint ?? `the ${config.region} endpoint`}, ${describeEgress(config)}, credentials ${config.credentialsFromStdin ? "from the parent on stdin" : "from the default chain"}`);
  const kms = createEnclaveKmsClient({
    region: config.region,
    handle: nsm.handle,
    egress,
    ...(config.kmsEndpoint ? { endpoint: config.kmsEndpoint } : {}),
    ...(config.credentialsFromStdin ? { credentials: fromParentStream(io.stdin) } : {}),
  });
  try {
    const key = await loadOrCreateDataKey(kms, config.keyId, config.dataDir, log);
    const server = createApiServer(new RecordStore(key, config.dataDir), log);
    server.listen(config.listenPort, config.listenHost);
    await Promise.race([once(server, "listening"), once(server, "error").then(([error]) => Promise.reject(error))]);
    const { address, port } = server.address() as AddressInfo;
    const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
    return {
      url,
      pcr0: nsm.pcr0,
      stop: async () => {
        const closed = new Promise((resolve) => server.close(resolve));
        server.closeIdleConnections();
        const drain = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
        await closed;
        clearTimeout(drain);
        kms.destroy();
        nsm.handle.close();
      },
    };
  } catch (error) {
    kms.destroy();
    nsm.handle.close();
    throw error;
  }
}

/** How KMS requests leave, without the proxy's address (it may carry a user name and password). */
function describeEgress(config: Config): string {
  if (config.vsock) return `through vsock-proxy at vsock ${config.vsock.cid}:${config.vsock.port}`;
  const own = (name: string) => (Object.hasOwn(process.env, name) ? process.env[name] : undefined);
  return own("https_proxy") || own("HTTPS_PROXY") ? "through the proxy in HTTPS_PROXY (unless NO_PROXY names the host)" : "directly (no HTTPS_PROXY)";
}
