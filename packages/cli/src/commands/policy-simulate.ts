// nitro-kms policy simulate: one request against a key policy, through kms-local's evaluator.
import { KmsError, parseKeyPolicy, type KeyPolicy } from "@nitro-enclaves-sdk/kms-local";
import { type CommandLine } from "../args.js";
import { readAttestationFile } from "../attestation-file.js";
import { readEncryptionContext } from "../encryption-context.js";
import { InputFileError, UsageError } from "../errors.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { readPcrAssignments } from "../pcr.js";
import { readPolicyFile } from "../policy/policy-file.js";
import { simulateKeyPolicy, type Simulation } from "../policy/simulate.js";

export const help = `usage: nitro-kms policy simulate FILE --as ARN --action ACTION [--attestation DOC | --pcr N=HEX ...]
                                 [--encryption-context KEY=VALUE ...] [--key-arn ARN] [--json]

Evaluates one request against the key policy in FILE with kms-local's policy evaluator, with the condition
keys KMS sets for it (kms:CallerAccount, aws:PrincipalAccount, aws:PrincipalArn, kms:EncryptionContext:*,
kms:EncryptionContextKeys, and with a Recipient kms:RecipientAttestation:PCR<n> and :ImageSha384), and says
whether it is allowed and which statement decided.

  --as ARN                    the caller: an IAM role, user or account root ARN, or an STS assumed-role or
                              federated-user ARN (a session's aws:PrincipalArn is its role's ARN)
  --action ACTION             a KMS action, e.g. kms:Decrypt
  --attestation DOC           the request carries this attestation document as its Recipient: a file with
                              the COSE_Sign1 bytes or their base64 text (read, not verified: KMS and
                              kms-local check its signature, this command only uses its PCRs)
  --pcr N=HEX                 the request carries an attestation document with PCR N = HEX (repeatable;
                              instead of --attestation)
  --encryption-context KEY=VALUE
                              the request's encryption context (repeatable)
  --key-arn ARN               the key's ARN, for statements whose Resource names keys (default: a key in
                              the caller's account)
  --json                      print {"allowed", "decision", "statement": {"index", "sid"}, "caller", "action"}
  -h, --help                  show this help

Only the key policy is evaluated: grants and IAM policies are not. Without --attestation or --pcr the
request has no Recipient.
Exit codes: 0 allowed; 2 denied; 1 usage error (or FILE / DOC unreadable, or a policy KMS would refuse).
`;

export const OPTIONS = {
  as: { type: "string" },
  action: { type: "string" },
  attestation: { type: "string" },
  pcr: { type: "string", multiple: true },
  "encryption-context": { type: "string", multiple: true },
  "key-arn": { type: "string" },
  json: { type: "boolean" },
} as const;

async function pcrsOfDocument(file: string): Promise<Map<number, Uint8Array>> {
  const document = readAttestationFile(file);
  // Loaded here, not at start-up: only this option needs the nsm package.
  const { parseAttestation } = await import("@nitro-enclaves-sdk/nsm");
  try {
    return parseAttestation(document).pcrs;
  } catch (e) {
    throw new InputFileError(file, `not an NSM attestation document (${(e as Error).message})`, { cause: e });
  }
}

const pcrsOfOptions = (assignments: readonly string[]) =>
  new Map([...readPcrAssignments("--pcr", assignments)].map(([index, value]) => [index, Buffer.from(value, "hex")] as const));

function describe(s: Simulation): string {
  const by = s.statement ? `statement ${s.statement.index}${s.statement.sid === undefined ? "" : ` (${s.statement.sid})`}` : "";
  if (s.decision === "Allow") return `allowed: ${s.action} by ${s.caller}, by ${by}\n`;
  if (s.decision === "ExplicitDeny") return `denied: ${s.action} by ${s.caller}, explicitly by ${by}\n`;
  return `denied: ${s.action} by ${s.caller}: no statement allows it\n`;
}

/** The positional arguments, by name. */
export const POSITIONALS = ["FILE"] as const;

export async function run({ values, positionals }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  if (values.as === undefined) throw new UsageError("--as ARN is required");
  if (values.action === undefined) throw new UsageError("--action ACTION is required");
  if (values.attestation !== undefined && values.pcr.length > 0) throw new UsageError("give --attestation or --pcr, not both");
  const encryptionContext = readEncryptionContext("--encryption-context", values["encryption-context"]);
  const pcrs = values.attestation !== undefined ? await pcrsOfDocument(values.attestation) : values.pcr.length > 0 ? pcrsOfOptions(values.pcr) : undefined;

  const [file] = positionals;
  let policy: KeyPolicy;
  try {
    policy = parseKeyPolicy(readPolicyFile(file));
  } catch (e) {
    if (e instanceof KmsError) throw new InputFileError(file, `not a key policy KMS would accept (${e.code}: ${e.message})`, { cause: e });
    throw e;
  }
  const simulation = simulateKeyPolicy(policy, {
    caller: values.as,
    action: values.action,
    encryptionContext,
    ...(pcrs && { attestationPcrs: pcrs }),
    ...(values["key-arn"] !== undefined && { keyArn: values["key-arn"] }),
  });
  io.out(values.json ? `${JSON.stringify(simulation)}\n` : describe(simulation));
  return simulation.allowed ? EXIT_CODES.ok : EXIT_CODES.no;
}
