// nitro-kms decrypt: kmstool_enclave_cli decrypt. KMS Decrypt with this enclave's attestation document;
// the plaintext comes back encrypted to the enclave's key and is decrypted here.
import { type CommandLine, required } from "../args.js";
import { readBase64, toBase64 } from "../base64.js";
import { encryptionContextMember } from "../encryption-context.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { member, withKms } from "../kms-client.js";
import { KMS_HELP, KMS_OPTIONS, readKmsOptions } from "../kms-options.js";
import { ENCRYPTION_ALGORITHMS, readChoice, readKeyId } from "../kms-values.js";
import { fieldLines, jsonText } from "../output.js";

export const help = `usage: nitro-kms decrypt --ciphertext B64 [--key-id KEY] [--encryption-algorithm ALG]
                        [--encryption-context KEY=VALUE ...] [options]

KMS Decrypt as this enclave (kmstool_enclave_cli decrypt): the key policy sees this enclave's attestation
document, and the plaintext comes back encrypted to the enclave's key. Prints
  PLAINTEXT: <base64 of the plaintext>

  -c, --ciphertext B64        the ciphertext blob, base64 (required)
  -K, --key-id KEY            the key (id, ARN, alias): needed for asymmetric keys, a check for symmetric
  -a, --encryption-algorithm ALG
                              ${ENCRYPTION_ALGORITHMS.join(", ")} (KMS's default: SYMMETRIC_DEFAULT)
  --encryption-context KEY=VALUE
                              the encryption context the data was encrypted with (repeatable)

${KMS_HELP}
Exit codes: 0 success; 1 usage error; 255 failure (KMS's error type and message, or what else failed).
`;

export const OPTIONS = {
  ...KMS_OPTIONS,
  ciphertext: { type: "string", short: "c" },
  "key-id": { type: "string", short: "K" },
  "encryption-algorithm": { type: "string", short: "a" },
  "encryption-context": { type: "string", multiple: true },
} as const;

/** KMS's limit for CiphertextBlob. */
const MAX_CIPHERTEXT_BYTES = 6144;

export async function run({ values }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const input = {
    CiphertextBlob: readBase64("--ciphertext", required("--ciphertext", values.ciphertext), { max: MAX_CIPHERTEXT_BYTES }),
    ...(values["key-id"] !== undefined && { KeyId: readKeyId("--key-id", values["key-id"]) }),
    ...(values["encryption-algorithm"] !== undefined && { EncryptionAlgorithm: readChoice("--encryption-algorithm", values["encryption-algorithm"], ENCRYPTION_ALGORITHMS) }),
    ...encryptionContextMember("--encryption-context", values["encryption-context"]),
  };
  const settings = readKmsOptions(values);
  const output = await withKms(settings, { attested: true }, (kms, sdk) => kms.send(new sdk.DecryptCommand(input)));
  const plaintext = member(output, "Plaintext");
  try {
    const b64 = toBase64(plaintext);
    io.out(values.json ? jsonText({ Plaintext: b64, KeyId: output.KeyId, EncryptionAlgorithm: output.EncryptionAlgorithm }) : fieldLines([["PLAINTEXT", b64]]));
  } finally {
    plaintext.fill(0);
  }
  return EXIT_CODES.ok;
}
