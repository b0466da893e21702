// The options every KMS command takes: kmstool_enclave_cli's (--region/-r, --proxy-port/-x,
// --aws-access-key-id/-k, --aws-secret-access-key/-s, --aws-session-token/-t) with its defaults (us-east-1;
// the parent's vsock-proxy on CID 3, port 8000), and what it lacks: credentials from stdin or the
// standard chain, an endpoint, an HTTPS proxy, a CA bundle, JSON output, a simulated NSM.
import type { OptionValues } from "./args.js";
import { InputFileError, UsageError } from "./errors.js";
import { readTextFile } from "./input-file.js";
import { NSM_HELP, NSM_OPTIONS, readNsmOptions, type NsmChoice } from "./nsm-options.js";

export const KMS_OPTIONS = {
  region: { type: "string", short: "r" },
  "proxy-port": { type: "string", short: "x" },
  "proxy-cid": { type: "string" },
  endpoint: { type: "string" },
  "ca-bundle": { type: "string" },
  "aws-access-key-id": { type: "string", short: "k" },
  "aws-secret-access-key": { type: "string", short: "s" },
  "aws-session-token": { type: "string", short: "t" },
  "credentials-stdin": { type: "boolean" },
  json: { type: "boolean" },
  ...NSM_OPTIONS,
} as const;

export const DEFAULT_REGION = "us-east-1";
/** kmstool_enclave_cli's: AWS's vsock-proxy on the parent instance, which an enclave reaches as CID 3. */
export const DEFAULT_PROXY = Object.freeze({ cid: 3, port: 8000 });

export const KMS_HELP = `Reaching KMS:
  -r, --region REGION         the KMS region (default ${DEFAULT_REGION})
  -x, --proxy-port PORT       the vsock port of vsock-proxy on the parent instance (default ${DEFAULT_PROXY.port})
  --proxy-cid CID             the vsock CID vsock-proxy listens on (default ${DEFAULT_PROXY.cid}, the parent)
  --endpoint URL              KMS at this https URL instead of the region's; without --proxy-port it is
                              reached directly or through HTTPS_PROXY (http only with --simulate)
  --ca-bundle FILE            trust these PEM certificates for KMS's TLS instead of Node's bundled roots
  Without --proxy-port, --proxy-cid or --endpoint, requests go through HTTPS_PROXY (and NO_PROXY) when
  it is set, else to vsock-proxy on CID ${DEFAULT_PROXY.cid} port ${DEFAULT_PROXY.port}. TLS always ends in this process.
Credentials (default: the standard chain: AWS_ACCESS_KEY_ID..., the container endpoint, instance metadata):
  -k, --aws-access-key-id ID  with -s (and -t for temporary credentials), as kmstool_enclave_cli takes them
  -s, --aws-secret-access-key KEY
  -t, --aws-session-token TOKEN
  --credentials-stdin         read {"AccessKeyId", "SecretAccessKey", "Token"} (JSON, one line; SessionToken
                              and Expiration accepted) from stdin, so no secret is on the command line
Output:
  --json                      print the result as one JSON document (KMS's member names, base64 values)
  -h, --help                  show this help

${NSM_HELP}`;

export type CredentialSource =
  | { readonly kind: "chain" }
  | { readonly kind: "stdin" }
  | { readonly kind: "given"; readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };

export type KmsEgress = { readonly kind: "environment" } | { readonly kind: "vsock"; readonly cid: number; readonly port: number };

export interface KmsSettings {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly egress: KmsEgress;
  readonly credentials: CredentialSource;
  /** PEM text of --ca-bundle. */
  readonly ca: string | undefined;
  readonly nsm: NsmChoice;
}

type KmsValues = OptionValues<typeof KMS_OPTIONS>;

/** vsock CIDs and ports are unsigned 32-bit; 0xffffffff is "any", which one cannot connect to. */
function readVsockNumber(option: string, text: string, min: number): number {
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n < 0xffffffff)) throw new UsageError(`${option} must be a whole number from ${min} to ${0xffffffff - 1}, got '${text}'`);
  return n;
}

const PRINTABLE = /^[\x21-\x7e]+$/;

function readCredentials(values: KmsValues): CredentialSource {
  const id = values["aws-access-key-id"];
  const secret = values["aws-secret-access-key"];
  const token = values["aws-session-token"];
  const given = id !== undefined || secret !== undefined || token !== undefined;
  if (values["credentials-stdin"]) {
    if (given) throw new UsageError("--credentials-stdin cannot go with --aws-access-key-id, --aws-secret-access-key or --aws-session-token");
    return { kind: "stdin" };
  }
  if (!given) return { kind: "chain" };
  if (id === undefined) throw new UsageError("--aws-access-key-id must be set with --aws-secret-access-key or --aws-session-token");
  if (secret === undefined) throw new UsageError("--aws-secret-access-key must be set with --aws-access-key-id");
  // The values themselves are never echoed.
  for (const [option, value] of [["--aws-access-key-id", id], ["--aws-secret-access-key", secret], ["--aws-session-token", token]] as const) {
    if (value !== undefined && !PRINTABLE.test(value)) throw new UsageError(`${option} must be printable ASCII without spaces`);
  }
  return { kind: "given", accessKeyId: id, secretAccessKey: secret, ...(token !== undefined && { sessionToken: token }) };
}

function readEndpoint(text: string, simulate: boolean): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--endpoint must be a URL such as https://kms.us-east-1.amazonaws.com, got '${text}'`);
  }
  if (url.protocol === "http:" && !simulate) {
    throw new UsageError("--endpoint must be https: TLS to KMS ends in the enclave (plain http only with --simulate, for a local KMS)");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`--endpoint must be an https URL, got '${text}'`);
  return text;
}

const proxyInEnvironment = () => ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"].some((name) => (process.env[name] ?? "") !== "");

/** The KMS options of a command line, checked (files named on it are read here). */
export function readKmsOptions(values: KmsValues): KmsSettings {
  const nsm = readNsmOptions(values);
  const region = values.region ?? DEFAULT_REGION;
  if (!/^[a-z0-9-]{1,64}$/.test(region)) throw new UsageError(`--region must be a region name such as ${DEFAULT_REGION}, got '${region}'`);
  const endpoint = values.endpoint === undefined ? undefined : readEndpoint(values.endpoint, nsm.simulate);
  const vsock = values["proxy-port"] !== undefined || values["proxy-cid"] !== undefined;
  const egress: KmsEgress =
    vsock || (endpoint === undefined && !proxyInEnvironment())
      ? {
          kind: "vsock",
          cid: values["proxy-cid"] === undefined ? DEFAULT_PROXY.cid : readVsockNumber("--proxy-cid", values["proxy-cid"], 1),
          port: values["proxy-port"] === undefined ? DEFAULT_PROXY.port : readVsockNumber("--proxy-port", values["proxy-port"], 1),
        }
      : { kind: "environment" };
  const caFile = values["ca-bundle"];
  const ca = caFile === undefined ? undefined : readTextFile(caFile, 1024 * 1024, "a PEM certificate bundle");
  if (ca !== undefined && !ca.includes("-----BEGIN CERTIFICATE-----")) throw new InputFileError(caFile!, "holds no PEM certificate");
  return { region, endpoint, egress, credentials: readCredentials(values), ca, nsm };
}
