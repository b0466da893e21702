// createEnclaveKmsClient(): the one call that gives an enclave a working KMS client. It is our generated
// KMSClient (an ordinary client: send() any command) with the enclaveRecipient plugin, requests leaving by
// the egress (Enclaver's HTTPS_PROXY / NO_PROXY, a proxy, or AWS's vsock-proxy), TLS ending in this
// process, and credentials from the enclave chain (environment, container endpoint, IMDSv2 through the
// egress), refreshed before they expire, unless the caller gives its own.
import { KMSClient } from "@nitro-enclaves-sdk/client-kms";
import { getOrInitializeHandle } from "@nitro-enclaves-sdk/nsm";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { enclaveCredentials } from "./credentials/chain.js";
import { Egress, type EgressOption } from "./egress/egress.js";
import { EgressRequestHandler } from "./egress/request-handler.js";
import { EnclaveOptionsError } from "./errors.js";
import { enclaveRecipient } from "./kms/enclave-recipient.js";
import type { RecipientHandle } from "./kms/recipient-cache.js";
import { ownProperty } from "./own-property.js";
import { checkTlsInProcess } from "./tls-policy.js";

export interface EnclaveKmsClientOptions {
  /** The KMS region; default from the environment (AWS_REGION) as any AWS client reads it. */
  region?: string;
  /** An explicit endpoint (https://...); default the region's KMS endpoint. */
  endpoint?: string;
  /** How requests leave the enclave; default "environment" (HTTPS_PROXY / NO_PROXY, else direct). */
  egress?: EgressOption;
  /** Default: enclaveCredentials() through the egress; or fromParentStream() / fromParentFile(), or fixed ones. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The enclave handle; default the process's (getOrInitializeHandle()), made on the first attested call. */
  handle?: RecipientHandle;
  /** enclaveRecipient's attestation document reuse (see its README section). */
  attestationReuseMs?: number;
  /** Trust these roots for KMS's TLS certificate instead of Node's bundled ones (PEM). */
  ca?: (string | Uint8Array)[];
  /** Longest wait for a connection, a proxy's CONNECT answer included (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** vsock: longest silence on a connection in use before it is dropped (default 60 000 ms; 0 never). */
  ioTimeoutMs?: number;
  /** Longest wait for a response to start (default: none beyond the connection's own timeouts). */
  requestTimeoutMs?: number;
  /** The SDK's attempts per call (default 3). */
  maxAttempts?: number;
  /** Fetch new default-chain credentials this long before they expire (default 5 minutes). */
  refreshMarginMs?: number;
  /**
   * Allow an endpoint whose TLS would not end in this process (plain http, certificate checks off). Only
   * for development against a local KMS: whoever relays the traffic can then read and forge KMS's answers.
   */
  allowTlsOutsideEnclave?: boolean;
}

const KNOWN = new Set([
  "region", "endpoint", "egress", "credentials", "handle", "attestationReuseMs", "ca", "connectTimeoutMs", "ioTimeoutMs",
  "requestTimeoutMs", "maxAttempts", "refreshMarginMs", "allowTlsOutsideEnclave",
]);

export function createEnclaveKmsClient(options: EnclaveKmsClientOptions = {}): KMSClient {
  if (typeof options !== "object" || options === null) throw new EnclaveOptionsError("createEnclaveKmsClient options must be an object");
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new EnclaveOptionsError(`unknown createEnclaveKmsClient option ${JSON.stringify(key)}`);
  const get = <K extends keyof EnclaveKmsClientOptions>(key: K) => ownProperty(options, key) as EnclaveKmsClientOptions[K];

  const allowTlsOutsideEnclave = get("allowTlsOutsideEnclave") ?? false;
  if (typeof allowTlsOutsideEnclave !== "boolean") throw new EnclaveOptionsError("allowTlsOutsideEnclave must be a boolean");
  const endpoint = get("endpoint");
  let endpointProtocol = "https:";
  if (endpoint !== undefined) {
    try {
      endpointProtocol = new URL(endpoint).protocol;
    } catch {
      throw new EnclaveOptionsError("endpoint must be a URL");
    }
  }
  checkTlsInProcess(endpointProtocol, allowTlsOutsideEnclave);

  const ca = get("ca");
  if (ca !== undefined && (!Array.isArray(ca) || !ca.every((c) => typeof c === "string" || c instanceof Uint8Array))) {
    throw new EnclaveOptionsError("ca must be an array of PEM strings or bytes");
  }
  const egress = new Egress(get("egress") ?? "environment", {
    ca,
    connectTimeoutMs: milliseconds("connectTimeoutMs", get("connectTimeoutMs"), 1),
    ioTimeoutMs: milliseconds("ioTimeoutMs", get("ioTimeoutMs"), 0),
  });
  const requestHandler = new EgressRequestHandler(egress, {
    requestTimeoutMs: milliseconds("requestTimeoutMs", get("requestTimeoutMs"), 0),
    allowTlsOutsideEnclave,
  });
  const region = get("region");
  if (region !== undefined && (typeof region !== "string" || !/^[a-z0-9-]{1,64}$/.test(region))) throw new EnclaveOptionsError("region must be a region name");
  const maxAttempts = get("maxAttempts");
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10)) throw new EnclaveOptionsError("maxAttempts must be an integer from 1 to 10");
  const credentials =
    get("credentials") ?? enclaveCredentials({ egress, refreshMarginMs: milliseconds("refreshMarginMs", get("refreshMarginMs"), 0) });

  const client = new KMSClient({
    ...(region !== undefined ? { region } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    credentials,
    requestHandler,
  });
  const attestationReuseMs = get("attestationReuseMs");
  client.middlewareStack.use(enclaveRecipient(get("handle") ?? processHandle, attestationReuseMs === undefined ? undefined : { attestationReuseMs }));
  return client;
}

/** The process's enclave handle, made (on /dev/nsm) when the first attested call needs it. */
const processHandle: RecipientHandle = {
  recipient: async (options) => (await getOrInitializeHandle()).recipient(options),
  decryptKMSEnvelopedKey: async (ciphertext) => (await getOrInitializeHandle()).decryptKMSEnvelopedKey(ciphertext),
};

function milliseconds(name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > 3_600_000) {
    throw new EnclaveOptionsError(`${name} must be an integer number of milliseconds from ${min} to 3600000`);
  }
  return value;
}
