// nitro-kms encrypt: KMS Encrypt. It releases nothing, so it carries no attestation document (KMS takes
// none for it); it is here so that an enclave script can seal data with the same tool and credentials.
import { type CommandLine, required } from "../args.js";
import { readBase64, toBase64 } from "../base64.js";
import { encryptionContextMember } from "../encryption-context.js";
import { UsageError } from "../errors.js";
import { EXIT_CODES } from "../exit-codes.js";
import { readInputFile } from "../input-file.js";
import type { Io } from "../io.js";
import { member, withKms } from "../kms-client.js";
import { KMS_HELP, KMS_OPTIONS, readKmsOptions } from "../kms-options.js";
import { ENCRYPTION_ALGORITHMS, readChoice, readKeyId } from "../kms-values.js";
import { fieldLines, jsonText } from "../output.js";

export const help = `usage: nitro-kms encrypt --key-id KEY (--plaintext B64 | --plaintext-file FILE) [--encryption-algorithm ALG]
                        [--encryption-context KEY=VALUE ...] [options]

KMS Encrypt: up to 4096 bytes under a KMS key. Prints
  CIPHERTEXT: <base64 of the ciphertext blob>

  -K, --key-id KEY            the KMS key (id, ARN, alias) (required)
  --plaintext B64             the bytes to encrypt, base64
  --plaintext-file FILE       the bytes to encrypt, from FILE (keeps them off the command line)
  -a, --encryption-algorithm ALG
                              ${ENCRYPTION_ALGORITHMS.join(", ")} (KMS's default: SYMMETRIC_DEFAULT)
  --encryption-context KEY=VALUE
                              bind the ciphertext to this context: decrypt needs the same (repeatable)

${KMS_HELP}
Exit codes: 0 success; 1 usage error; 255 failure (KMS's error type and message, or what else failed).
`;

export const OPTIONS = {
  ...KMS_OPTIONS,
  "key-id": { type: "string", short: "K" },
  plaintext: { type: "string" },
  "plaintext-file": { type: "string" },
  "encryption-algorithm": { type: "string", short: "a" },
  "encryption-context": { type: "string", multiple: true },
} as const;

/** KMS's limit for Encrypt's Plaintext. */
const MAX_PLAINTEXT_BYTES = 4096;

export async function run({ values }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  if ((values.plaintext === undefined) === (values["plaintext-file"] === undefined)) throw new UsageError("give --plaintext or --plaintext-file (one of them)");
  const plaintext =
    values.plaintext !== undefined
      ? readBase64("--plaintext", values.plaintext, { max: MAX_PLAINTEXT_BYTES })
      : readInputFile(values["plaintext-file"]!, MAX_PLAINTEXT_BYTES, "KMS Encrypt (4096 bytes at most)");
  if (plaintext.length === 0) throw new UsageError("the plaintext is empty (KMS encrypts 1 to 4096 bytes)");
  try {
    const input = {
      KeyId: readKeyId("--key-id", required("--key-id", values["key-id"])),
      Plaintext: plaintext,
      ...(values["encryption-algorithm"] !== undefined && { EncryptionAlgorithm: readChoice("--encryption-algorithm", values["encryption-algorithm"], ENCRYPTION_ALGORITHMS) }),
      ...encryptionContextMember("--encryption-context", values["encryption-context"]),
    };
    const settings = readKmsOptions(values);
    const output = await withKms(settings, { attested: false }, (kms, sdk) => kms.send(new sdk.EncryptCommand(input)));
    const ciphertext = toBase64(member(output, "CiphertextBlob"));
    io.out(values.json ? jsonText({ CiphertextBlob: ciphertext, KeyId: output.KeyId, EncryptionAlgorithm: output.EncryptionAlgorithm }) : fieldLines([["CIPHERTEXT", ciphertext]]));
  } finally {
    plaintext.fill(0);
  }
  return EXIT_CODES.ok;
}
