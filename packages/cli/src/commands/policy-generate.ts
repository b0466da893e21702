// nitro-kms policy generate: a key policy for an enclave application, from its PCRs or its build output.
import { type CommandLine } from "../args.js";
import { isAccountId } from "../arn.js";
import { readEncryptionContext } from "../encryption-context.js";
import { UsageError } from "../errors.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { readPcrAssignment, readPcrValue } from "../pcr.js";
import { generateKeyPolicy, keyPolicyText, type EnclaveImage } from "../policy/generate.js";
import { readMeasurementsFile } from "../policy/measurements.js";

export const help = `usage: nitro-kms policy generate (--pcr0 HEX | --image-sha384 HEX | --measurements FILE ...)
                                 [--pcr N=HEX ...] --enclave-role ARN --admin ARN [--admin ARN ...]
                                 [--encryption-context KEY=VALUE ...] [--account ID]

Writes a KMS key policy (JSON, on stdout) under which only enclaves running the given image(s) can use the
key: the enclave role may call Decrypt, GenerateDataKey, GenerateDataKeyPair, GenerateRandom and
DeriveSharedSecret only with an attestation document whose PCRs all match one image's (compared with
StringEqualsIgnoreCase); the admins may manage the key but not use it; nobody may use it without
attestation or from another image (Deny), re-encrypt from it, or, as the enclave role, change the policy.
Apply it as one of the admins (KMS refuses a policy that would lock its author out).

The image:
  --pcr0 HEX                  PCR0 (the image's measurement), 96 hex digits
  --image-sha384 HEX          the same measurement, written as kms:RecipientAttestation:ImageSha384
  --measurements FILE         the output of 'nitro-cli build-enclave', 'nitro-cli describe-eif' or
                              'enclaver build' for one image; repeat for each architecture or build: each
                              image gets statements of its own, so PCRs of two images never mix
  --pcr N=HEX                 another PCR the enclave must show (repeatable): 1, 2 (kernel, application),
                              3 (the parent's IAM role), 4 (the parent instance), 8 (the signing
                              certificate) or 16-31 (extended by the enclave); with several images,
                              every image must show it
Who:
  --enclave-role ARN          the IAM role of the parent instance, which the enclave calls KMS with
  --admin ARN                 a key administrator: IAM role, user or account root (repeatable)
  --account ID                the account the enclave role calls from (default: the role's); the
                              enclave's statements require kms:CallerAccount = ID
What:
  --encryption-context KEY=VALUE
                              require this pair in the encryption context of the enclave's Decrypt,
                              GenerateDataKey and GenerateDataKeyPair (repeatable)
Output:
  --json                      accepted for symmetry with the other commands: the output is JSON already
  -h, --help                  show this help

Exit codes: 0 the policy was written; 1 usage error (a bad value, an unreadable measurements file).
`;

export const OPTIONS = {
  pcr0: { type: "string" },
  "image-sha384": { type: "string" },
  measurements: { type: "string", multiple: true },
  pcr: { type: "string", multiple: true },
  "enclave-role": { type: "string" },
  admin: { type: "string", multiple: true },
  account: { type: "string" },
  "encryption-context": { type: "string", multiple: true },
  json: { type: "boolean" },
} as const;

export async function run({ values }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const usage = (message: string): never => {
    throw new UsageError(message);
  };
  const enclaveRole = values["enclave-role"] ?? usage("--enclave-role is required");
  if (values.admin.length === 0) usage("at least one --admin is required");
  if (values.account !== undefined && !isAccountId(values.account)) usage(`--account must be a 12-digit account id, got '${values.account}'`);

  const shared = new Map<number, string>();
  for (const text of values.pcr) {
    const { index, value } = readPcrAssignment("--pcr", text);
    if (index === 0) usage("give PCR0 with --pcr0 (or --image-sha384 / --measurements), not --pcr 0=...");
    if (shared.has(index) && shared.get(index) !== value) usage(`--pcr ${index} is given twice with different values`);
    shared.set(index, value);
  }

  const images: EnclaveImage[] = [];
  const pcr0 = values.pcr0 === undefined ? undefined : readPcrValue("--pcr0", values.pcr0);
  const imageSha384 = values["image-sha384"] === undefined ? undefined : readPcrValue("--image-sha384", values["image-sha384"]);
  if (pcr0 !== undefined || imageSha384 !== undefined) {
    images.push({ label: "Image", pcrs: new Map([...(pcr0 === undefined ? [] : [[0, pcr0] as const]), ...shared]), ...(imageSha384 !== undefined && { imageSha384 }) });
  } else if (values.measurements.length === 0) {
    usage("give the image's PCR0: --pcr0 HEX, --image-sha384 HEX or --measurements FILE");
  }
  for (const file of values.measurements) {
    const image = readMeasurementsFile(file);
    const pcrs = new Map(image.pcrs);
    for (const [index, value] of shared) {
      if (pcrs.has(index) && pcrs.get(index) !== value) usage(`--pcr ${index} differs from PCR${index} in ${file}`);
      pcrs.set(index, value);
    }
    images.push({ label: image.label, pcrs });
  }

  const policy = generateKeyPolicy({
    images,
    enclaveRole,
    admins: values.admin,
    encryptionContext: readEncryptionContext("--encryption-context", values["encryption-context"]),
    ...(values.account !== undefined && { account: values.account }),
  });
  io.out(keyPolicyText(policy));
  return EXIT_CODES.ok;
}
