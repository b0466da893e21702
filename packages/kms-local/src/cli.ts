// The `kms-local` command: starts a KmsLocal from command-line options and runs until SIGINT/SIGTERM.
// The first line on stdout is "kms-local listening on <endpoint>" (scripts wait for it).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { checkCredential, type Credential } from "./caller.js";
import { KmsLocalConfigError } from "./errors.js";
import { DEFAULT_ACCOUNT, DEFAULT_REGION, KmsLocal, type KmsLocalOptions } from "./server.js";

export const DEFAULT_PORT = 4600;

const USAGE = `usage: kms-local [options]

A local AWS KMS that understands Recipient (Nitro Enclaves attestation) and attestation key-policy
conditions. Point any KMS client at it with --endpoint-url / endpoint.

  --host ADDRESS              listen address (default 127.0.0.1)
  --port N                    port (default ${DEFAULT_PORT}; 0 picks a free one)
  --region NAME               region in ARNs and credential scopes (default ${DEFAULT_REGION})
  --account ID                12-digit account id in ARNs (default ${DEFAULT_ACCOUNT})
  --credential ID:SECRET[:ARN[:SESSION_TOKEN]]
                              an accepted access key (repeatable; default kms-local:kms-local).
                              ARN is the identity it stands for: arn:aws:iam::ACCOUNT:user/NAME
                              (the default, with NAME = ID), arn:aws:iam::ACCOUNT:root, or a role
                              session arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, which needs
                              the SESSION_TOKEN its requests carry
  --trust-root FILE           a PEM or DER root certificate that Recipient attestation documents
                              may chain to, e.g. the simulated NSM's (repeatable)
  --no-aws-root               do not trust the AWS Nitro Enclaves root G1
  --data-dir DIR              keep keys and aliases in DIR (default: in memory only)
  --master-key-file FILE      key that encrypts key material at rest (default DIR/master.key)
  --max-body-bytes N          request size limit (default 1048576)
  --tls-cert FILE             serve HTTPS with this PEM certificate (chain); needs --tls-key
  --tls-key FILE              the PEM private key of --tls-cert
  --verbose                   log one line per request to stderr
  --help                      show this help
`;

const OPTIONS = {
  host: { type: "string" },
  port: { type: "string" },
  region: { type: "string" },
  account: { type: "string" },
  credential: { type: "string", multiple: true },
  "trust-root": { type: "string", multiple: true },
  "no-aws-root": { type: "boolean" },
  "data-dir": { type: "string" },
  "master-key-file": { type: "string" },
  "max-body-bytes": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function integer(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new KmsLocalConfigError(`--${name} must be an integer from ${min} to ${max}, got '${value}'`);
  return n;
}

/**
 * ID:SECRET[:ARN[:SESSION_TOKEN]]. Access keys, secrets and session tokens hold no colon, and the ARN of an
 * IAM user, root or role session has exactly six colon-separated parts, so the text splits one way only.
 */
function credentialOf(text: string, account: string): Credential {
  const parts = text.split(":");
  const usage = `--credential must be ID:SECRET[:ARN[:SESSION_TOKEN]], got '${text}'`;
  if (parts.length !== 2 && parts.length !== 8 && parts.length !== 9) throw new KmsLocalConfigError(usage);
  const [accessKeyId, secretAccessKey] = parts;
  const arn = parts.length === 2 ? `arn:aws:iam::${account}:user/${accessKeyId}` : parts.slice(2, 8).join(":");
  const sessionToken = parts[8];
  if (!accessKeyId || !secretAccessKey || sessionToken === "") throw new KmsLocalConfigError(usage);
  return checkCredential({ accessKeyId, secretAccessKey, arn, ...(sessionToken !== undefined ? { sessionToken } : {}) }).credential;
}

function trustedRoot(file: string) {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new KmsLocalConfigError(`cannot read --trust-root ${file}`, { cause: e });
  }
  const text = bytes.toString("latin1");
  return text.includes("-----BEGIN CERTIFICATE-----") ? text : new Uint8Array(bytes);
}

function pemFile(name: string, file: string): string {
  try {
    return readFileSync(file, "latin1");
  } catch (e) {
    throw new KmsLocalConfigError(`cannot read --${name} ${file}`, { cause: e });
  }
}

export function parseArguments(argv: string[]): KmsLocalOptions & { help?: boolean; verbose?: boolean } {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>["values"];
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new KmsLocalConfigError(`${(e as Error).message} (see --help)`);
  }
  const options: KmsLocalOptions & { help?: boolean; verbose?: boolean } = { port: DEFAULT_PORT };
  if (values.host !== undefined) options.host = values.host;
  if (values.port !== undefined) options.port = integer("port", values.port, 0, 65535);
  if (values.region !== undefined) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region)) throw new KmsLocalConfigError(`--region '${values.region}' is not a region name`);
    options.region = values.region;
  }
  if (values.account !== undefined) {
    if (!/^\d{12}$/.test(values.account)) throw new KmsLocalConfigError(`--account must be 12 digits, got '${values.account}'`);
    options.account = values.account;
  }
  const account = options.account ?? DEFAULT_ACCOUNT;
  if (values.credential) options.credentials = values.credential.map((c) => credentialOf(c, account));
  if (values["trust-root"]) options.trustedRoots = values["trust-root"].map(trustedRoot);
  if (values["no-aws-root"]) options.trustAwsRoot = false;
  if (values["data-dir"] !== undefined) options.dataDir = values["data-dir"];
  if (values["master-key-file"] !== undefined) options.masterKeyFile = values["master-key-file"];
  if (values["max-body-bytes"] !== undefined) options.maxBodyBytes = integer("max-body-bytes", values["max-body-bytes"], 1024, 64 * 1024 * 1024);
  if (values["tls-cert"] !== undefined || values["tls-key"] !== undefined) {
    if (values["tls-cert"] === undefined || values["tls-key"] === undefined) throw new KmsLocalConfigError("--tls-cert and --tls-key go together");
    options.tls = { cert: pemFile("tls-cert", values["tls-cert"]), key: pemFile("tls-key", values["tls-key"]) };
  }
  if (values.verbose) options.verbose = true;
  if (values.help) options.help = true;
  return options;
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  let options: ReturnType<typeof parseArguments>;
  try {
    options = parseArguments(argv);
  } catch (e) {
    process.stderr.write(`kms-local: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (options.verbose) options.log = (line) => process.stderr.write(`kms-local: ${line}\n`);
  let local: KmsLocal;
  try {
    local = await KmsLocal.start(options);
  } catch (e) {
    process.stderr.write(`kms-local: cannot start: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`kms-local listening on ${local.endpoint}${options.dataDir ? ` (data in ${options.dataDir})` : " (in memory)"}\n`);
  const stop = () => {
    void local.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
