// nitro-kms genkeypair: KMS GenerateDataKeyPair with this enclave's attestation document: a key pair whose
// private key comes in plaintext (encrypted to the enclave's key on the way) and under the KMS key.
import { type CommandLine, required } from "../args.js";
import { toBase64 } from "../base64.js";
import { encryptionContextMember } from "../encryption-context.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { member, withKms } from "../kms-client.js";
import { KMS_HELP, KMS_OPTIONS, readKmsOptions } from "../kms-options.js";
import { DATA_KEY_PAIR_SPECS, readChoice, readKeyId } from "../kms-values.js";
import { fieldLines, jsonText } from "../output.js";

export const help = `usage: nitro-kms genkeypair --key-id KEY --key-pair-spec SPEC [--encryption-context KEY=VALUE ...] [options]

KMS GenerateDataKeyPair as this enclave: a new key pair; its private key under the KMS key and, encrypted
to the enclave's attested key on the way, in plaintext. Prints
  CIPHERTEXT: <base64 of the encrypted private key: keep it, decrypt it later>
  PLAINTEXT: <base64 of the private key, PKCS#8 DER: use it, never store it>
  PUBLICKEY: <base64 of the public key, DER SubjectPublicKeyInfo>

  -K, --key-id KEY            the KMS key (id, ARN, alias) (required)
  --key-pair-spec SPEC        ${DATA_KEY_PAIR_SPECS.join(", ")} (required)
  --encryption-context KEY=VALUE
                              bind the private key to this context: decrypt needs the same (repeatable)

${KMS_HELP}
Exit codes: 0 success; 1 usage error; 255 failure (KMS's error type and message, or what else failed).
`;

export const OPTIONS = {
  ...KMS_OPTIONS,
  "key-id": { type: "string", short: "K" },
  "key-pair-spec": { type: "string" },
  "encryption-context": { type: "string", multiple: true },
} as const;

export async function run({ values }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const input = {
    KeyId: readKeyId("--key-id", required("--key-id", values["key-id"])),
    KeyPairSpec: readChoice("--key-pair-spec", required("--key-pair-spec", values["key-pair-spec"]), DATA_KEY_PAIR_SPECS),
    ...encryptionContextMember("--encryption-context", values["encryption-context"]),
  };
  const settings = readKmsOptions(values);
  const output = await withKms(settings, { attested: true }, (kms, sdk) => kms.send(new sdk.GenerateDataKeyPairCommand(input)));
  const privateKey = member(output, "PrivateKeyPlaintext");
  try {
    const ciphertext = toBase64(member(output, "PrivateKeyCiphertextBlob"));
    const publicKey = toBase64(member(output, "PublicKey"));
    const plaintext = toBase64(privateKey);
    io.out(
      values.json
        ? jsonText({ PrivateKeyCiphertextBlob: ciphertext, PrivateKeyPlaintext: plaintext, PublicKey: publicKey, KeyId: output.KeyId, KeyPairSpec: output.KeyPairSpec })
        : fieldLines([["CIPHERTEXT", ciphertext], ["PLAINTEXT", plaintext], ["PUBLICKEY", publicKey]]),
    );
  } finally {
    privateKey.fill(0);
  }
  return EXIT_CODES.ok;
}
