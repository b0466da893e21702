// nitro-kms genkey: kmstool_enclave_cli genkey. KMS GenerateDataKey with this enclave's attestation
// document: the data key in plaintext (encrypted to the enclave's key on the way) and under the KMS key.
import { type CommandLine, required } from "../args.js";
import { toBase64 } from "../base64.js";
import { encryptionContextMember } from "../encryption-context.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { member, withKms } from "../kms-client.js";
import { KMS_HELP, KMS_OPTIONS, readKmsOptions } from "../kms-options.js";
import { DATA_KEY_SPECS, readChoice, readKeyId } from "../kms-values.js";
import { fieldLines, jsonText } from "../output.js";

export const help = `usage: nitro-kms genkey --key-id KEY --key-spec AES-256|AES-128 [--encryption-context KEY=VALUE ...]
                       [options]

KMS GenerateDataKey as this enclave (kmstool_enclave_cli genkey): a new data key, under the KMS key and,
encrypted to the enclave's attested key on the way, in plaintext. Prints
  CIPHERTEXT: <base64 of the encrypted data key: keep it, decrypt it later>
  PLAINTEXT: <base64 of the data key: use it, never store it>

  -K, --key-id KEY            the KMS key (id, ARN, alias) (required)
  -p, --key-spec SPEC         AES-256 or AES-128 (required)
  --encryption-context KEY=VALUE
                              bind the data key to this context: decrypt needs the same (repeatable)

${KMS_HELP}
Exit codes: 0 success; 1 usage error; 255 failure (KMS's error type and message, or what else failed).
`;

export const OPTIONS = {
  ...KMS_OPTIONS,
  "key-id": { type: "string", short: "K" },
  "key-spec": { type: "string", short: "p" },
  "encryption-context": { type: "string", multiple: true },
} as const;

export async function run({ values }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const input = {
    KeyId: readKeyId("--key-id", required("--key-id", values["key-id"])),
    KeySpec: DATA_KEY_SPECS.get(readChoice("--key-spec", required("--key-spec", values["key-spec"]), [...DATA_KEY_SPECS.keys()]))!,
    ...encryptionContextMember("--encryption-context", values["encryption-context"]),
  };
  const settings = readKmsOptions(values);
  const output = await withKms(settings, { attested: true }, (kms, sdk) => kms.send(new sdk.GenerateDataKeyCommand(input)));
  const plaintext = member(output, "Plaintext");
  try {
    const ciphertext = toBase64(member(output, "CiphertextBlob"));
    const b64 = toBase64(plaintext);
    io.out(values.json ? jsonText({ CiphertextBlob: ciphertext, Plaintext: b64, KeyId: output.KeyId }) : fieldLines([["CIPHERTEXT", ciphertext], ["PLAINTEXT", b64]]));
  } finally {
    plaintext.fill(0);
  }
  return EXIT_CODES.ok;
}
