// The app's configuration, read from the environment (under Enclaver, the image's ENV: it is part of the
// measured image, so nobody outside the enclave can change it). Every variable is checked here, once;
// the rest of the app only sees a Config. Only the environment's own properties are read, so a polluted
// Object.prototype cannot configure anything.
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "./errors.js";

export interface Config {
  /** AWS_REGION: the KMS region (and so the default endpoint, kms.<region>.amazonaws.com). */
  region: string;
  /** KMS_KEY_ID: the KMS key that wraps the data key; a key ARN, so the image names exactly one key. */
  keyId: string;
  /** DATA_DIR: where the wrapped data key and the sealed records are kept (absolute). */
  dataDir: string;
  /** LISTEN_HOST / LISTEN_PORT: the HTTP API's address (default 127.0.0.1:8080; port 0 picks a free one). */
  listenHost: string;
  listenPort: number;
  /** KMS_ENDPOINT: an https URL instead of the region's endpoint (kms-local in development). */
  kmsEndpoint: string | undefined;
  /** KMS_VSOCK_PORT (and KMS_VSOCK_CID, default 3, the parent): reach KMS through AWS's vsock-proxy. */
  vsock: { cid: number; port: number } | undefined;
  /** PARENT_CREDENTIALS=stdin: credentials come as JSON lines on stdin instead of the default chain. */
  credentialsFromStdin: boolean;
  /** NSM_SIMULATOR_CA (and NSM_SIMULATOR_PCR0): use a simulated NSM signing with this CA; development only. */
  simulator: { caFile: string; pcr0: string | undefined } | undefined;
}

/** The variables the app reads, for the README and for callers that start it with a clean environment. */
export const CONFIG_VARIABLES = [
  "AWS_REGION", "KMS_KEY_ID", "DATA_DIR", "LISTEN_HOST", "LISTEN_PORT", "KMS_ENDPOINT", "KMS_VSOCK_PORT", "KMS_VSOCK_CID",
  "PARENT_CREDENTIALS", "NSM_SIMULATOR_CA", "NSM_SIMULATOR_PCR0",
] as const;
type Name = (typeof CONFIG_VARIABLES)[number];

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const VMADDR_CID_HOST = 3;

export function readConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const get = (name: Name): string | undefined => {
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    return value === undefined || value === "" ? undefined : value;
  };
  const required = (name: Name, what: string): string => {
    const value = get(name);
    if (value === undefined) throw new ConfigError(`${name} is not set: ${what}`);
    return value;
  };

  const region = required("AWS_REGION", "the KMS region, e.g. us-east-1");
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) throw new ConfigError(`AWS_REGION is not a region name such as us-east-1`);

  const keyId = required("KMS_KEY_ID", "the KMS key that wraps the data key (its ARN)");
  if (keyId.length > 2048 || !/^[\x21-\x7e]+$/.test(keyId)) throw new ConfigError("KMS_KEY_ID must be a key ARN, key id or alias (printable, no spaces)");

  const dataDirText = required("DATA_DIR", "the directory for the wrapped data key and the sealed records");
  if (dataDirText.includes("\0")) throw new ConfigError("DATA_DIR is not a path");
  const dataDir = isAbsolute(dataDirText) ? dataDirText : resolve(cwd, dataDirText);

  const listenHost = get("LISTEN_HOST") ?? "127.0.0.1";
  if (!LOOPBACK.has(listenHost)) {
    throw new ConfigError("LISTEN_HOST must be a loopback address (127.0.0.1, ::1 or localhost): the API hands out plaintext");
  }
  const listenPort = integer("LISTEN_PORT", get("LISTEN_PORT") ?? "8080", 0, 65535);

  const kmsEndpoint = get("KMS_ENDPOINT");
  if (kmsEndpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(kmsEndpoint);
    } catch {
      throw new ConfigError("KMS_ENDPOINT is not a URL");
    }
    if (url.protocol !== "https:") throw new ConfigError("KMS_ENDPOINT must be an https:// URL: TLS to KMS ends in this process");
  }

  const vsockPort = get("KMS_VSOCK_PORT");
  const vsockCid = get("KMS_VSOCK_CID");
  if (vsockCid !== undefined && vsockPort === undefined) throw new ConfigError("KMS_VSOCK_CID is set without KMS_VSOCK_PORT");
  const vsock = vsockPort === undefined ? undefined : {
    cid: vsockCid === undefined ? VMADDR_CID_HOST : integer("KMS_VSOCK_CID", vsockCid, 0, 0xffffffff),
    port: integer("KMS_VSOCK_PORT", vsockPort, 1, 0xffffffff),
  };

  const parentCredentials = get("PARENT_CREDENTIALS");
  if (parentCredentials !== undefined && parentCredentials !== "stdin") throw new ConfigError('PARENT_CREDENTIALS must be "stdin" or unset');

  const caFile = get("NSM_SIMULATOR_CA");
  const pcr0 = get("NSM_SIMULATOR_PCR0");
  if (pcr0 !== undefined && caFile === undefined) throw new ConfigError("NSM_SIMULATOR_PCR0 is set without NSM_SIMULATOR_CA");
  if (pcr0 !== undefined && !/^[0-9a-fA-F]{96}$/.test(pcr0)) throw new ConfigError("NSM_SIMULATOR_PCR0 must be 96 hex digits (a SHA-384 value)");
  const simulator = caFile === undefined ? undefined : { caFile: isAbsolute(caFile) ? caFile : resolve(cwd, caFile), pcr0: pcr0?.toLowerCase() };

  return { region, keyId, dataDir, listenHost, listenPort, kmsEndpoint, vsock, credentialsFromStdin: parentCredentials === "stdin", simulator };
}

function integer(name: Name, text: string, min: number, max: number): number {
  const value = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}
