// The KMS client of a KMS command: the enclave package's createEnclaveKmsClient (our generated client with
// the enclaveRecipient plugin: attestation document as Recipient, CiphertextForRecipient decrypted in this
// process), with the command line's region, endpoint, egress and credentials, and an enclave handle on the
// chosen NSM. As kmstool_enclave_cli does, the kernel's entropy pool is fed from the NSM before any TLS
// (not with --simulate, which leaves the machine's pool alone).
//
// Start-up is what a script pays on every call, so the slow parts overlap: with --simulate the enclave's
// RSA key is generated (on libuv's threads) while the KMS client's modules load.
import type { EnclaveHandle, NsmTransport } from "@nitro-enclaves-sdk/nsm";
import { CommandFailedError } from "./errors.js";
import type { KmsSettings } from "./kms-options.js";
import { openNsmTransport } from "./nsm-options.js";

export type KmsSdk = typeof import("@nitro-enclaves-sdk/client-kms");
export type KmsClient = InstanceType<KmsSdk["KMSClient"]>;
type Enclave = typeof import("@nitro-enclaves-sdk/enclave");

/** Entropy fed to the kernel before TLS, as kmstool_enclave_cli feeds it. */
export const SEED_BYTES = 1024;

export interface KmsSessionOptions {
  /** Whether the calls carry an attestation document (every operation but Encrypt): the enclave's key is made at once. */
  readonly attested: boolean;
  /** The NSM to use, the caller's to close; default: one opened (and closed) for the session. */
  readonly transport?: NsmTransport;
  /** Feed the kernel's entropy pool from the NSM first (default: unless --simulate). */
  readonly seedEntropy?: boolean;
  /** The SDK's attempts per call (default 3: network errors are retried). */
  readonly maxAttempts?: number;
}

export interface KmsSession {
  readonly client: KmsClient;
  readonly sdk: KmsSdk;
  readonly enclave: Enclave;
  /** Closes the client's connections, and the NSM when the session opened it. */
  close(): Promise<void>;
}

export async function openKmsSession(settings: KmsSettings, options: KmsSessionOptions): Promise<KmsSession> {
  const ownTransport = options.transport === undefined;
  const transport = options.transport ?? (await openNsmTransport(settings.nsm));
  const nsm = await import("@nitro-enclaves-sdk/nsm");
  let handle: Promise<EnclaveHandle> | undefined;
  const enclaveHandle = () => {
    if (!handle) {
      handle = nsm.EnclaveHandle.create({ transport });
      handle.catch(() => undefined); // a failure is reported by the call that needs the handle
    }
    return handle;
  };
  const seed = options.seedEntropy ?? !settings.nsm.simulate;
  if (options.attested && !seed) void enclaveHandle();
  const release = async () => {
    const made = handle && (await handle.catch(() => undefined));
    // Closing the handle closes its transport: only when the session opened it.
    if (ownTransport) made ? made.close() : transport.close?.();
  };
  try {
    const [sdk, enclave] = await Promise.all([import("@nitro-enclaves-sdk/client-kms"), import("@nitro-enclaves-sdk/enclave")]);
    if (seed) await enclave.seedEntropyFromNsm(SEED_BYTES, { nsm: new nsm.NsmClient(transport) });
    if (options.attested) void enclaveHandle();
    const client = enclave.createEnclaveKmsClient({
      region: settings.region,
      ...(settings.endpoint !== undefined && { endpoint: settings.endpoint }),
      egress: settings.egress.kind === "vsock" ? { vsock: { cid: settings.egress.cid, port: settings.egress.port } } : "environment",
      ...(settings.ca !== undefined && { ca: [settings.ca] }),
      ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
      ...credentialsOption(settings, enclave),
      handle: {
        recipient: async (o) => (await enclaveHandle()).recipient(o),
        decryptKMSEnvelopedKey: async (ciphertext) => (await enclaveHandle()).decryptKMSEnvelopedKey(ciphertext),
      },
      // A local KMS over plain http is for development only, and only with the simulated NSM.
      allowTlsOutsideEnclave: settings.nsm.simulate && settings.endpoint?.startsWith("http:") === true,
    });
    return {
      client,
      sdk,
      enclave,
      close: async () => {
        client.destroy();
        await release();
      },
    };
  } catch (e) {
    await release();
    throw e;
  }
}

/** Runs `use` with a KMS client made from `settings`, closed afterwards. */
export async function withKms<T>(settings: KmsSettings, options: KmsSessionOptions, use: (kms: KmsClient, sdk: KmsSdk) => Promise<T>): Promise<T> {
  const session = await openKmsSession(settings, options);
  try {
    return await use(session.client, session.sdk);
  } finally {
    await session.close();
  }
}

function credentialsOption(settings: KmsSettings, enclave: Enclave) {
  const source = settings.credentials;
  if (source.kind === "given") {
    return { credentials: { accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey, ...(source.sessionToken !== undefined && { sessionToken: source.sessionToken }) } };
  }
  if (source.kind === "stdin") return { credentials: enclave.fromParentStream(process.stdin) };
  return {}; // the enclave package's chain: the environment, the container endpoint, instance metadata
}

/** A member KMS's answer must carry (the plugin refuses answers without their plaintext member). */
export function member(output: object, name: string): Uint8Array {
  const value = (output as Record<string, unknown>)[name];
  if (!(value instanceof Uint8Array)) throw new CommandFailedError(`KMS's answer has no ${name}`);
  return value;
}
