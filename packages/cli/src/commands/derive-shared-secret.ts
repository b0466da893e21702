// nitro-kms derive-shared-secret: KMS DeriveSharedSecret (ECDH between a KMS key agreement key and a peer's
// public key) with this enclave's attestation document; the secret comes back encrypted to the enclave's key.
import { type CommandLine, required } from "../args.js";
import { readBase64, toBase64 } from "../base64.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { member, withKms } from "../kms-client.js";
import { KMS_HELP, KMS_OPTIONS, readKmsOptions } from "../kms-options.js";
import { readKeyId } from "../kms-values.js";
import { fieldLines, jsonText } from "../output.js";

export const help = `usage: nitro-kms derive-shared-secret --key-id KEY --public-key B64 [options]

KMS DeriveSharedSecret as this enclave: ECDH between the KMS key (a KEY_AGREEMENT key pair) and the peer's
public key; the shared secret comes back encrypted to the enclave's attested key. Prints
  PLAINTEXT: <base64 of the shared secret>

  -K, --key-id KEY            the KMS key agreement key (id, ARN, alias) (required)
  --public-key B64            the peer's public key, DER SubjectPublicKeyInfo, base64 (required)

${KMS_HELP}
Exit codes: 0 success; 1 usage error; 255 failure (KMS's error type and message, or what else failed).
`;

export const OPTIONS = { ...KMS_OPTIONS, "key-id": { type: "string", short: "K" }, "public-key": { type: "string" } } as const;

/** KMS's limit for PublicKey. */
const MAX_PUBLIC_KEY_BYTES = 8192;

export async function run({ values }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const input = {
    KeyId: readKeyId("--key-id", required("--key-id", values["key-id"])),
    KeyAgreementAlgorithm: "ECDH" as const,
    PublicKey: readBase64("--public-key", required("--public-key", values["public-key"]), { max: MAX_PUBLIC_KEY_BYTES }),
  };
  const settings = readKmsOptions(values);
  const output = await withKms(settings, { attested: true }, (kms, sdk) => kms.send(new sdk.DeriveSharedSecretCommand(input)));
  const secret = member(output, "SharedSecret");
  try {
    const b64 = toBase64(secret);
    io.out(values.json ? jsonText({ SharedSecret: b64, KeyId: output.KeyId, KeyAgreementAlgorithm: output.KeyAgreementAlgorithm }) : fieldLines([["PLAINTEXT", b64]]));
  } finally {
    secret.fill(0);
  }
  return EXIT_CODES.ok;
}
