// nitro-kms attest: an attestation document from the NSM, with the caller's nonce, user data and public key.
import { type CommandLine } from "../args.js";
import { readBase64, toBase64 } from "../base64.js";
import { EXIT_CODES } from "../exit-codes.js";
import type { Io } from "../io.js";
import { NSM_HELP, NSM_OPTIONS, readNsmOptions, withNsmClient } from "../nsm-options.js";
import { writeFileAtomically } from "../output-file.js";
import { jsonText } from "../output.js";

export const help = `usage: nitro-kms attest [--nonce B64] [--user-data B64] [--public-key B64] [--out FILE] [--json]
                       [--simulate ...]

Asks the NSM for an attestation document (a COSE_Sign1 signed by the NSM, carrying the enclave's PCRs)
and prints it as base64 on one line, or writes its bytes to FILE. 'nitro-kms verify-attestation' reads
either form.

  --nonce B64                 signed into the document as nonce (up to 1024 bytes, base64)
  --user-data B64             signed into the document as user_data (up to 1024 bytes, base64)
  --public-key B64            signed into the document as public_key (up to 1024 bytes, base64; the NSM
                              does not read it: KMS takes it as a DER SubjectPublicKeyInfo RSA key)
  --out FILE                  write the document's bytes to FILE (replaced whole, or left as it was) and
                              print nothing
  --json                      print {"attestationDocument": base64}, or with --out {"file", "bytes"}
  -h, --help                  show this help

${NSM_HELP}
Exit codes: 0 success; 1 usage error; 255 the NSM refused or could not be asked (outside an enclave: no
/dev/nsm), or FILE could not be written.
`;

export const OPTIONS = {
  ...NSM_OPTIONS,
  nonce: { type: "string" },
  "user-data": { type: "string" },
  "public-key": { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
} as const;

/** The NSM's limit for each of nonce, user_data and public_key. */
const MAX_FIELD_BYTES = 1024;

export async function run({ values }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const field = (option: string, text: string | undefined) => (text === undefined ? undefined : readBase64(option, text, { max: MAX_FIELD_BYTES }));
  const request = { nonce: field("--nonce", values.nonce), userData: field("--user-data", values["user-data"]), publicKey: field("--public-key", values["public-key"]) };
  const document = await withNsmClient(readNsmOptions(values), (nsm) => nsm.attestation(request));
  if (values.out !== undefined) {
    writeFileAtomically(values.out, document);
    if (values.json) io.out(jsonText({ file: values.out, bytes: document.length }));
  } else {
    io.out(values.json ? jsonText({ attestationDocument: toBase64(document) }) : `${toBase64(document)}\n`);
  }
  return EXIT_CODES.ok;
}
