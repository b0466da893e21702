// nitro-kms doctor: what stands between this enclave and KMS, one line per check: the NSM, the entropy
// pool, the way out to KMS, credentials and, for a key, whether KMS would release it to this enclave.
import type { NsmTransport } from "@nitro-enclaves-sdk/nsm";
import { type CommandLine } from "../args.js";
import { readBase64 } from "../base64.js";
import { encryptionContextMember } from "../encryption-context.js";
import { EXIT_CODES } from "../exit-codes.js";
import { describeFailure, isKmsError } from "../failure.js";
import type { Io } from "../io.js";
import { openKmsSession, SEED_BYTES, type KmsSession } from "../kms-client.js";
import { KMS_HELP, KMS_OPTIONS, readKmsOptions, type KmsSettings } from "../kms-options.js";
import { readKeyId } from "../kms-values.js";
import { jsonText } from "../output.js";
import { openNsmTransport } from "../nsm-options.js";

export const help = `usage: nitro-kms doctor [--key-id KEY [--ciphertext B64] [--encryption-context KEY=VALUE ...]] [options]

Checks what a KMS command needs, and prints one line per check, "ok", "FAIL" or "skip", with what is
wrong:
  nsm           /dev/nsm answers (DescribeNSM)
  entropy       the kernel's entropy pool takes the NSM's random bytes, as every KMS command feeds it
  egress        KMS's endpoint answers, over TLS, through vsock-proxy, HTTPS_PROXY or directly (a request
                with made-up credentials: any answer from KMS will do)
  credentials   credentials are found (--aws-access-key-id..., --credentials-stdin or the standard chain)
  key           with --key-id: KMS would release the key to this enclave, asked with DryRun and this
                enclave's attestation document: Decrypt of --ciphertext when given, else GenerateDataKey
                (Decrypt can be asked only about a ciphertext of the key)

  -K, --key-id KEY            the key to check
  -c, --ciphertext B64        a ciphertext of the key, to check Decrypt of it
  --encryption-context KEY=VALUE
                              the encryption context the key's policy requires (repeatable)

${KMS_HELP}
Exit codes: 0 every check passed (or was skipped); 2 a check failed; 1 usage error.
`;

export const OPTIONS = {
  ...KMS_OPTIONS,
  "key-id": { type: "string", short: "K" },
  ciphertext: { type: "string", short: "c" },
  "encryption-context": { type: "string", multiple: true },
} as const;

type Status = "ok" | "FAIL" | "skip";
interface Check {
  check: string;
  status: Status;
  message: string;
}

/** Credentials that no account has: KMS answers a request signed with them, which is all the egress check needs. */
const MADE_UP_CREDENTIALS = { kind: "given", accessKeyId: "AKIANITROKMSDOCTOR00", secretAccessKey: "nitro-kms-doctor-made-up-secret" } as const;

function routeOf(settings: KmsSettings): string {
  if (settings.egress.kind === "vsock") return `vsock-proxy at vsock ${settings.egress.cid}:${settings.egress.port}`;
  const proxy = process.env.HTTPS_PROXY || process.env.https_proxy || process.env.ALL_PROXY || process.env.all_proxy;
  return proxy ? "the proxy in HTTPS_PROXY (unless NO_PROXY names the host)" : "a direct connection";
}

const credentialSource = (settings: KmsSettings) =>
  settings.credentials.kind === "given" ? "from --aws-access-key-id" : settings.credentials.kind === "stdin" ? "from stdin" : "from the standard chain";

export async function run({ values }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const keyId = values["key-id"] === undefined ? undefined : readKeyId("--key-id", values["key-id"]);
  const ciphertext = values.ciphertext === undefined ? undefined : readBase64("--ciphertext", values.ciphertext, { max: 6144 });
  const context = encryptionContextMember("--encryption-context", values["encryption-context"]);
  const settings = readKmsOptions(values);

  const checks: Check[] = [];
  const report = (check: string, status: Status, message: string) => {
    checks.push({ check, status, message });
    if (!values.json) io.out(`${status.padEnd(4)}  ${check}: ${message}\n`);
  };
  const transport = await openNsmTransport(settings.nsm);
  try {
    const nsmOk = await checkNsm(transport, settings, report);
    await checkEntropy(transport, settings, nsmOk, report);
    await checkEgress(transport, settings, report);
    const session = await openKmsSession(settings, { attested: keyId !== undefined, transport, seedEntropy: false, maxAttempts: 1 });
    try {
      const credentialsOk = await checkCredentials(session, settings, report);
      if (keyId === undefined) report("key", "skip", "give --key-id KEY to check that KMS would release the key to this enclave");
      else if (!nsmOk || !credentialsOk) report("key", "skip", "needs the NSM and credentials");
      else await checkKey(session, keyId, ciphertext, context, report);
    } finally {
      await session.close();
    }
  } finally {
    transport.close?.();
  }
  if (values.json) io.out(jsonText(checks));
  return checks.some((c) => c.status === "FAIL") ? EXIT_CODES.no : EXIT_CODES.ok;
}

type Report = (check: string, status: Status, message: string) => void;

async function checkNsm(transport: NsmTransport, settings: KmsSettings, report: Report): Promise<boolean> {
  const { NsmClient } = await import("@nitro-enclaves-sdk/nsm");
  try {
    const d = await new NsmClient(transport).describeNsm();
    const what = settings.nsm.simulate ? "the simulated NSM answers" : "/dev/nsm answers";
    report("nsm", "ok", `${what}: module ${d.moduleId}, NSM ${d.versionMajor}.${d.versionMinor}.${d.versionPatch}, ${d.maxPcrs} PCRs, ${d.digest}`);
    return true;
  } catch (e) {
    report("nsm", "FAIL", describeFailure(e));
    return false;
  }
}

async function checkEntropy(transport: NsmTransport, settings: KmsSettings, nsmOk: boolean, report: Report): Promise<void> {
  if (settings.nsm.simulate) return report("entropy", "skip", "not with --simulate (the machine's entropy pool is left alone)");
  if (!nsmOk) return report("entropy", "skip", "needs the NSM");
  const [{ NsmClient }, { seedEntropyFromNsm }] = await Promise.all([import("@nitro-enclaves-sdk/nsm"), import("@nitro-enclaves-sdk/enclave")]);
  try {
    const { bytes, credited } = await seedEntropyFromNsm(SEED_BYTES, { nsm: new NsmClient(transport) });
    report("entropy", "ok", `${bytes} bytes from the NSM fed to the kernel's pool${credited ? " and credited" : ", mixed in without credit (crediting needs CAP_SYS_ADMIN)"}`);
  } catch (e) {
    report("entropy", "FAIL", describeFailure(e));
  }
}

async function checkEgress(transport: NsmTransport, settings: KmsSettings, report: Report): Promise<void> {
  const endpoint = settings.endpoint ?? `https://kms.${settings.region}.amazonaws.com`;
  const route = routeOf(settings);
  const probe = await openKmsSession({ ...settings, credentials: MADE_UP_CREDENTIALS }, { attested: false, transport, seedEntropy: false, maxAttempts: 1 });
  try {
    await probe.client.send(new probe.sdk.ListKeysCommand({ Limit: 1 }));
    report("egress", "ok", `KMS at ${endpoint} answers through ${route}`);
  } catch (e) {
    if (isKmsError(e)) report("egress", "ok", `KMS at ${endpoint} answers through ${route} (to made-up credentials: ${e.name})`);
    else report("egress", "FAIL", `KMS at ${endpoint} through ${route}: ${describeFailure(e)}`);
  } finally {
    await probe.close();
  }
}

async function checkCredentials(session: KmsSession, settings: KmsSettings, report: Report): Promise<boolean> {
  try {
    const credentials = await session.client.config.credentials();
    const kind = credentials.sessionToken ? "temporary (with a session token)" : "long-term (no session token)";
    const expiry = credentials.expiration ? `, expire ${credentials.expiration.toISOString()}` : "";
    report("credentials", "ok", `${credentialSource(settings)}: ${kind}${expiry}`);
    return true;
  } catch (e) {
    report("credentials", "FAIL", `none ${credentialSource(settings)}: ${describeFailure(e)}`);
    return false;
  }
}

async function checkKey(session: KmsSession, keyId: string, ciphertext: Buffer | undefined, context: { EncryptionContext?: Record<string, string> }, report: Report): Promise<void> {
  const { client, sdk } = session;
  const action = ciphertext ? "kms:Decrypt" : "kms:GenerateDataKey";
  try {
    if (ciphertext) await client.send(new sdk.DecryptCommand({ CiphertextBlob: ciphertext, KeyId: keyId, ...context, DryRun: true }));
    else await client.send(new sdk.GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", ...context, DryRun: true }));
    report("key", "FAIL", `KMS answered a DryRun ${action} as if it were real`);
  } catch (e) {
    if (isKmsError(e) && e.name === "DryRunOperationException") report("key", "ok", `KMS would allow ${action} on ${keyId} to this enclave (DryRun)`);
    else report("key", "FAIL", `${action} on ${keyId}: ${describeFailure(e)}`);
  }
}
