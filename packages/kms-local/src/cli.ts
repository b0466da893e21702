// The `kms-local` command: starts a KmsLocal from command-line options and runs until SIGINT/SIGTERM.
// The first line on stdout is "kms-local listening on <endpoint>" (scripts wait for it).
import { readFileSync } from "node:fs";
import { KmsLocalConfigError } from "./errors.js";
import { DEFAULT_ACCOUNT, DEFAULT_REGION, KmsLocal, type KmsLocalOptions } from "./server.js";
import type { Credential } from "./sigv4.js";

export const DEFAULT_PORT = 4600;

const USAGE = `usage: kms-local [options]

A local AWS KMS that understands Recipient (Nitro Enclaves attestation) and attestation key-policy
conditions. Point any KMS client at it with --endpoint-url / endpoint.

  --host ADDRESS              listen address (default 127.0.0.1)
  --port N                    port (default ${DEFAULT_PORT}; 0 picks a free one)
  --region NAME               region in ARNs and credential scopes (default ${DEFAULT_REGION})
  --account ID                12-digit account id in ARNs (default ${DEFAULT_ACCOUNT})
  --credential ID:SECRET[:PRINCIPAL_ARN]
                              an accepted access key (repeatable; default kms-local:kms-local
                              as arn:aws:iam::<account>:user/kms-local)
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

export function parseArguments(argv: string[]): KmsLocalOptions & { help?: boolean; verbose?: boolean } {
  const options: KmsLocalOptions & { help?: boolean; verbose?: boolean } = { port: DEFAULT_PORT };
  const credentials: string[] = [];
  const roots: string[] = [];
  const tlsFiles: { cert?: string; key?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new KmsLocalConfigError(`${arg} needs a value`);
      return v;
    };
    const integer = (min: number, max: number) => {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max) throw new KmsLocalConfigError(`${arg} must be an integer from ${min} to ${max}, got '${v}'`);
      return n;
    };
    switch (arg) {
      case "--host": options.host = value(); break;
      case "--port": options.port = integer(0, 65535); break;
      case "--region": {
        const v = value();
        if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(v)) throw new KmsLocalConfigError(`--region '${v}' is not a region name`);
        options.region = v;
        break;
      }
      case "--account": {
        const v = value();
        if (!/^\d{12}$/.test(v)) throw new KmsLocalConfigError(`--account must be 12 digits, got '${v}'`);
        options.account = v;
        break;
      }
      case "--credential": credentials.push(value()); break;
      case "--trust-root": roots.push(value()); break;
      case "--no-aws-root": options.trustAwsRoot = false; break;
      case "--data-dir": options.dataDir = value(); break;
      case "--master-key-file": options.masterKeyFile = value(); break;
      case "--max-body-bytes": options.maxBodyBytes = integer(1024, 64 * 1024 * 1024); break;
      case "--tls-cert": tlsFiles.cert = value(); break;
      case "--tls-key": tlsFiles.key = value(); break;
      case "--verbose": options.verbose = true; break;
      case "--help": case "-h": options.help = true; break;
      default: throw new KmsLocalConfigError(`unknown option '${arg}' (see --help)`);
    }
  }
  const account = options.account ?? DEFAULT_ACCOUNT;
  if (credentials.length) {
    options.credentials = credentials.map((c): Credential => {
      const [accessKeyId, secretAccessKey, ...principal] = c.split(":");
      if (!accessKeyId || !secretAccessKey) throw new KmsLocalConfigError(`--credential must be ID:SECRET[:PRINCIPAL_ARN], got '${c}'`);
      const principalArn = principal.length ? principal.join(":") : `arn:aws:iam::${account}:user/${accessKeyId}`;
      if (!/^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/.test(principalArn)) throw new KmsLocalConfigError(`'${principalArn}' is not an IAM principal ARN`);
      return { accessKeyId, secretAccessKey, principalArn };
    });
  }
  if (roots.length) {
    options.trustedRoots = roots.map((file) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (e) {
        throw new KmsLocalConfigError(`cannot read --trust-root ${file}`, { cause: e });
      }
      const text = bytes.toString("latin1");
      return text.includes("-----BEGIN CERTIFICATE-----") ? text : new Uint8Array(bytes);
    });
  }
  if (tlsFiles.cert !== undefined || tlsFiles.key !== undefined) {
    if (tlsFiles.cert === undefined || tlsFiles.key === undefined) throw new KmsLocalConfigError("--tls-cert and --tls-key go together");
    const read = (flag: string, file: string) => {
      try {
        return readFileSync(file, "latin1");
      } catch (e) {
        throw new KmsLocalConfigError(`cannot read ${flag} ${file}`, { cause: e });
      }
    };
    options.tls = { cert: read("--tls-cert", tlsFiles.cert), key: read("--tls-key", tlsFiles.key) };
  }
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
