// nitro-kms genrandom: kmstool_enclave_cli genrandom. KMS GenerateRandom with this enclave's attestation
// document; the random bytes come back encrypted to the enclave's key.
import { type CommandLine, required } from "../args.js";
import { toBase64 } from "../base64.js";
import { UsageError } from "../errors.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { member, withKms } from "../kms-client.js";
import { KMS_HELP, KMS_OPTIONS, readKmsOptions } from "../kms-options.js";
import { fieldLines, jsonText } from "../output.js";

export const help = `usage: nitro-kms genrandom --length N [options]

KMS GenerateRandom as this enclave (kmstool_enclave_cli genrandom): N random bytes from KMS, sent to the
enclave encrypted to its attested key. Prints
  PLAINTEXT: <base64 of the bytes>

  -l, --length N              how many bytes, 1 to 1024 (required)

${KMS_HELP}
Exit codes: 0 success; 1 usage error; 255 failure (KMS's error type and message, or what else failed).
`;

export const OPTIONS = { ...KMS_OPTIONS, length: { type: "string", short: "l" } } as const;

/** GenerateRandom's NumberOfBytes. */
const MAX_LENGTH = 1024;

export async function run({ values }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const lengthText = required("--length", values.length);
  const length = /^\d{1,4}$/.test(lengthText) ? Number(lengthText) : NaN;
  if (!(length >= 1 && length <= MAX_LENGTH)) throw new UsageError(`--length must be a whole number from 1 to ${MAX_LENGTH}, got '${lengthText}'`);
  const settings = readKmsOptions(values);
  const output = await withKms(settings, { attested: true }, (kms, sdk) => kms.send(new sdk.GenerateRandomCommand({ NumberOfBytes: length })));
  const plaintext = member(output, "Plaintext");
  try {
    io.out(values.json ? jsonText({ Plaintext: toBase64(plaintext) }) : fieldLines([["PLAINTEXT", toBase64(plaintext)]]));
  } finally {
    plaintext.fill(0);
  }
  return EXIT_CODES.ok;
}
