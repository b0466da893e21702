// nitro-kms verify-attestation FILE: an attestation document's signature, certificate chain and validity,
// then the caller's expectations (PCRs, nonce, age, debug mode), and its fields.
import { X509Certificate } from "node:crypto";
import type { VerifiedAttestationDocument, VerifyAttestationOptions } from "@nitro-enclaves-sdk/nsm";
import { type CommandLine } from "../args.js";
import { readAttestationFile } from "../attestation-file.js";
import { readBase64, toBase64 } from "../base64.js";
import { readDuration } from "../duration.js";
import { CheckFailedError, InputFileError, UsageError } from "../errors.js";
import { EXIT_CODES } from "../exit-codes.js";
import { readInputFile } from "../input-file.js";
import type { Io } from "../io.js";
import { jsonText } from "../output.js";
import { readPcrAssignments } from "../pcr.js";

export const help = `usage: nitro-kms verify-attestation FILE [--pcr N=HEX ...] [--nonce B64] [--max-age DURATION]
                                   [--at document|now|ISO] [--trust-root PEM ...] [--allow-debug] [--json]

Verifies the attestation document in FILE (its COSE_Sign1 bytes, or their base64 text as 'nitro-kms
attest' prints it): the ES384 signature, the certificate chain up to a trusted root (by default the AWS
Nitro Enclaves root G1), every certificate's validity at --at; then what you expect of it. Prints the
document's fields: module id, timestamp, PCRs, public key, user data, nonce, and when its chain is valid.

  --pcr N=HEX                 PCR N must have this value, 96 hex digits (repeatable)
  --nonce B64                 the document must carry this nonce (base64)
  --max-age DURATION          the document must be at most this old at --at (now, or the time given):
                              a whole number and a unit, ms, s, m, h or d (e.g. 5m)
  --at document|now|ISO       when the certificates must be valid: now (default), the document's own
                              timestamp (to check an archived document; not with --max-age), or a time
                              such as 2024-09-07T15:00:00Z
  --trust-root PEM            trust this root certificate (a PEM or DER file) instead of AWS's
                              (repeatable): a simulated NSM's CA file (--simulator-ca) works as it is
  --allow-debug               accept an enclave in debug mode (PCR0, PCR1 and PCR2 all zero)
  --json                      print the fields as one JSON document
  -h, --help                  show this help

Real documents are valid for 3 hours (their signing certificate's life): use --at document for older ones.
Exit codes: 0 the document verifies and meets every expectation; 2 it does not (the reason on stderr);
1 usage error, or FILE is unreadable or not an attestation document.
`;

export const OPTIONS = {
  pcr: { type: "string", multiple: true },
  nonce: { type: "string" },
  "max-age": { type: "string" },
  at: { type: "string" },
  "trust-root": { type: "string", multiple: true },
  "allow-debug": { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** A root certificate file: a PEM bundle or one DER certificate. */
const MAX_ROOT_FILE_BYTES = 1024 * 1024;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function readAt(text: string | undefined): VerifyAttestationOptions["at"] {
  if (text === undefined || text === "now" || text === "document") return text ?? "now";
  const at = new Date(text);
  if (!ISO_TIME.test(text) || Number.isNaN(at.getTime())) throw new UsageError(`--at must be document, now or a time such as 2024-09-07T15:00:00Z, got '${text}'`);
  return at;
}

function readTrustRoot(file: string): string | Uint8Array {
  const bytes = readInputFile(file, MAX_ROOT_FILE_BYTES, "a root certificate");
  const text = bytes.toString("latin1");
  if (text.includes("-----BEGIN CERTIFICATE-----")) return text;
  try {
    new X509Certificate(bytes);
  } catch {
    throw new InputFileError(file, "holds no PEM certificate and is not a DER certificate");
  }
  return new Uint8Array(bytes);
}

const base64OrNull = (bytes: Uint8Array | null) => (bytes === null ? null : toBase64(bytes));

function fields(doc: VerifiedAttestationDocument) {
  const pcrs: Record<string, string> = {};
  for (const [index, value] of [...doc.pcrs].sort(([a], [b]) => a - b)) pcrs[index] = Buffer.from(value).toString("hex");
  let root = "";
  try {
    root = new X509Certificate(doc.cabundle[0]).subject.replace(/\n/g, ", ");
  } catch {
    // verified already: the subject is only for display
  }
  return {
    moduleId: doc.moduleId,
    timestamp: doc.timestamp.toISOString(),
    digest: doc.digest,
    pcrs,
    publicKey: base64OrNull(doc.publicKey),
    userData: base64OrNull(doc.userData),
    nonce: base64OrNull(doc.nonce),
    root,
    chainValidity: { notBefore: doc.chainValidity.notBefore.toISOString(), notAfter: doc.chainValidity.notAfter.toISOString() },
  };
}

function describe(f: ReturnType<typeof fields>): string {
  const optional = (name: string, b64: string | null) => `${name}: ${b64 === null ? "none" : `${b64} (${Buffer.from(b64, "base64").length} bytes)`}\n`;
  return (
    `verified: signature, certificate chain to ${f.root}, validity\n` +
    `module id: ${f.moduleId}\ntimestamp: ${f.timestamp}\ndigest: ${f.digest}\n` +
    Object.entries(f.pcrs).map(([i, v]) => `PCR${i}: ${v}\n`).join("") +
    optional("public key", f.publicKey) +
    optional("user data", f.userData) +
    optional("nonce", f.nonce) +
    `certificates valid: ${f.chainValidity.notBefore} to ${f.chainValidity.notAfter}\n`
  );
}

/** The positional arguments, by name. */
export const POSITIONALS = ["FILE"] as const;

export async function run({ values, positionals }: CommandLine<typeof OPTIONS>, io: Io): Promise<number> {
  const at = readAt(values.at);
  const maxAgeMs = values["max-age"] === undefined ? undefined : readDuration("--max-age", values["max-age"]);
  if (maxAgeMs !== undefined && at === "document") throw new UsageError("--max-age cannot go with --at document (the document's age would be measured against itself): give --at a time");
  const options: VerifyAttestationOptions = {
    at,
    allowDebug: values["allow-debug"],
    ...(maxAgeMs !== undefined && { maxAgeMs }),
    ...(values.pcr.length > 0 && { expectedPcrs: readPcrAssignments("--pcr", values.pcr) }),
    ...(values.nonce !== undefined && { expectedNonce: readBase64("--nonce", values.nonce, { max: 1024 }) }),
    ...(values["trust-root"].length > 0 && { trustedRoots: values["trust-root"].map(readTrustRoot) }),
  };
  const [file] = positionals;
  const document = readAttestationFile(file);
  const nsm = await import("@nitro-enclaves-sdk/nsm");
  let verified: VerifiedAttestationDocument;
  try {
    verified = nsm.verifyAttestation(document, options);
  } catch (e) {
    if (e instanceof nsm.AttestationFormatError && !(e instanceof nsm.UnsupportedAlgorithmError)) {
      throw new InputFileError(file, `not an NSM attestation document (${e.message})`, { cause: e });
    }
    if (e instanceof nsm.AttestationOptionsError) throw new UsageError(e.message);
    // The nsm package's words for the options that change these checks are the library's, not ours.
    if (e instanceof nsm.DebugModeError) throw new CheckFailedError("not verified: the enclave runs in debug mode (PCR0, PCR1 and PCR2 are zero); --allow-debug accepts it", { cause: e });
    if (e instanceof nsm.CertificateValidityError && values.at === undefined) {
      throw new CheckFailedError(`not verified: ${e.message} (--at document checks an archived document at its own time)`, { cause: e });
    }
    if (e instanceof nsm.AttestationError) throw new CheckFailedError(`not verified: ${e.message}`, { cause: e });
    throw e;
  }
  const f = fields(verified);
  io.out(values.json ? jsonText({ verified: true, ...f }) : describe(f));
  return EXIT_CODES.ok;
}
