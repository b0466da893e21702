// A key policy that releases a key only to attested enclaves (see the package README, "Key policies for
// enclaves"). Statements, in order:
//   KeyAdministration             the admins manage the key; no action that uses it
//   DenyUseWithoutAttestation     nobody uses the key without an attestation document (Null)...
//   DenyUseByOtherImages          ...or with one from an image not listed (grants and IAM included)
//   DenyReEncryptFrom             nobody moves data from this key to another (that never carries attestation)
//   DenyEnclaveRolePolicyChanges  the enclave role can neither rewrite the policy nor create grants
//   EnclaveUse<image>             per image: the enclave role, only with that image's PCRs, all of them
// Each image gets statements of its own: conditions in one statement must all hold, statements are
// alternatives, so two images' PCR sets can never be mixed.
import { parseKeyPolicy } from "@nitro-enclaves-sdk/kms-local";
import { readPrincipalArn, isAccountId } from "../arn.js";
import { UsageError } from "../errors.js";
import { ownProperties, withoutPrototype } from "../own-properties.js";
import { BOOT_MEASUREMENTS, DEBUG_ZERO_PCRS, isAllZero, isPcrHex, PCR_HEX_DIGITS, pcrIsEverSet } from "../pcr.js";
import { CALLER_ACCOUNT_KEY, encryptionContextKey, IMAGE_SHA384_KEY, pcrKey } from "./condition-keys.js";
import {
  ATTESTED_ACTIONS, ENCRYPTION_CONTEXT_ACTIONS, KEY_ADMINISTRATION_ACTIONS, POLICY_CHANGING_ACTIONS,
} from "./kms-actions.js";

/** One enclave image (one build, one architecture) whose attested instances may use the key. */
export interface EnclaveImage {
  /** Names the image's statements (its letters and digits). */
  readonly label: string;
  /** PCR index -> 96 hex digits. PCR0 is required, unless imageSha384 is given. */
  readonly pcrs: ReadonlyMap<number, string>;
  /** PCR0 again, to be written as kms:RecipientAttestation:ImageSha384 (KMS's name for PCR0). */
  readonly imageSha384?: string;
}

export interface KeyPolicyOptions {
  readonly images: readonly EnclaveImage[];
  /** The IAM role the enclave's parent instance calls KMS with. */
  readonly enclaveRole: string;
  /** Key administrators: IAM roles, users or account roots. */
  readonly admins: readonly string[];
  /** Required on every Decrypt, GenerateDataKey and GenerateDataKeyPair of the enclave. */
  readonly encryptionContext?: ReadonlyMap<string, string>;
  /** The account the enclave role calls from (kms:CallerAccount); by default the role's own. */
  readonly account?: string;
}

export interface PolicyStatementDocument {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal: "*" | { AWS: string | string[] };
  Action: string | string[];
  Resource: "*";
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface KeyPolicyDocument {
  Version: "2012-10-17";
  Id: string;
  Statement: PolicyStatementDocument[];
}

/** The policy as nitro-kms prints it (and as its size is checked against KMS's quota). */
export const keyPolicyText = (policy: KeyPolicyDocument) => `${JSON.stringify(policy, null, 2)}\n`;

const one = <T>(list: readonly T[]): T | T[] => (list.length === 1 ? list[0] : [...list]);

/** Letters and digits of a label, each run capitalised: "enclave-x86_64" -> "EnclaveX8664". */
const sidPart = (label: string) => label.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("") || "Image";

function checkImage(image: EnclaveImage, i: number) {
  const name = `image ${i + 1} (${image.label})`;
  for (const [index, value] of image.pcrs) {
    if (!Number.isInteger(index) || !pcrIsEverSet(index)) {
      throw new UsageError(`${name}: PCR${index} is never set by the NSM (only ${[...BOOT_MEASUREMENTS.keys()].join(", ")} at boot, and 16-31 by the enclave)`);
    }
    if (!isPcrHex(value)) throw new UsageError(`${name}: PCR${index} must be ${PCR_HEX_DIGITS} hex digits`);
    if (DEBUG_ZERO_PCRS.has(index) && isAllZero(value)) {
      throw new UsageError(`${name}: PCR${index} is all zeros, as in a debug-mode enclave, whose memory its parent can read`);
    }
  }
  const pcr0 = image.pcrs.get(0);
  const sha = image.imageSha384;
  if (sha !== undefined) {
    if (!isPcrHex(sha)) throw new UsageError(`${name}: ImageSha384 must be ${PCR_HEX_DIGITS} hex digits`);
    if (isAllZero(sha)) throw new UsageError(`${name}: ImageSha384 is all zeros, as in a debug-mode enclave, whose memory its parent can read`);
    if (pcr0 !== undefined && pcr0.toLowerCase() !== sha.toLowerCase()) {
      throw new UsageError(`${name}: PCR0 and ImageSha384 are the same measurement but differ; no enclave could match both`);
    }
  }
  if (pcr0 === undefined && sha === undefined) throw new UsageError(`${name}: PCR0 (or ImageSha384) is required`);
}

/** The image's attestation conditions: key -> lower-case hex, PCRs in index order. */
function attestationConditions(image: EnclaveImage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const index of [...image.pcrs.keys()].sort((a, b) => a - b)) out[pcrKey(index)] = image.pcrs.get(index)!.toLowerCase();
  if (image.imageSha384 !== undefined) out[IMAGE_SHA384_KEY] = image.imageSha384.toLowerCase();
  return out;
}

/** The options' own properties, of the types they must have. */
function readOptions(given: KeyPolicyOptions): KeyPolicyOptions {
  const o = ownProperties(given);
  const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
  if (!Array.isArray(o.images)) throw new UsageError("images must be a list of enclave images");
  const images = o.images.map((img: EnclaveImage): EnclaveImage => {
    const i = ownProperties(img);
    if (typeof i.label !== "string" || !(i.pcrs instanceof Map) || !(i.imageSha384 === undefined || typeof i.imageSha384 === "string")) {
      throw new UsageError("an enclave image must have a label, a Map of PCRs and, optionally, an ImageSha384 string");
    }
    return withoutPrototype({ label: i.label, pcrs: new Map(i.pcrs), ...(i.imageSha384 !== undefined && { imageSha384: i.imageSha384 }) });
  });
  if (typeof o.enclaveRole !== "string") throw new UsageError("the enclave role must be an ARN string");
  if (!isStringList(o.admins)) throw new UsageError("admins must be a list of ARN strings");
  if (!(o.encryptionContext === undefined || (o.encryptionContext instanceof Map && [...o.encryptionContext].every(isStringList)))) {
    throw new UsageError("the encryption context must be a Map of strings to strings");
  }
  if (!(o.account === undefined || typeof o.account === "string")) throw new UsageError("the account must be a string");
  return withoutPrototype({
    images, enclaveRole: o.enclaveRole, admins: [...o.admins],
    ...(o.encryptionContext && { encryptionContext: new Map(o.encryptionContext) }),
    ...(o.account !== undefined && { account: o.account }),
  });
}

export function generateKeyPolicy(given: KeyPolicyOptions): KeyPolicyDocument {
  const options = readOptions(given);
  const { images, admins } = options;
  const role = readPrincipalArn(options.enclaveRole);
  if (!role || role.kind !== "role") throw new UsageError(`the enclave role must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got '${options.enclaveRole}'`);
  if (admins.length === 0) throw new UsageError("at least one key administrator is required");
  const seenAdmins = new Set<string>();
  for (const admin of admins) {
    const p = readPrincipalArn(admin);
    if (!p || !(p.kind === "role" || p.kind === "user" || p.kind === "root")) {
      throw new UsageError(`a key administrator must be an IAM role, user or account root ARN, got '${admin}'`);
    }
    if (seenAdmins.has(admin)) throw new UsageError(`the key administrator ${admin} is given twice`);
    seenAdmins.add(admin);
    if (admin === role.arn) throw new UsageError("the enclave role must not also be a key administrator: whoever runs the enclave could rewrite the policy");
  }
  const account = options.account ?? role.account;
  if (!isAccountId(account)) throw new UsageError(`the account must be 12 digits, got '${account}'`);
  if (account !== role.account) throw new UsageError(`the enclave role is in account ${role.account}, not ${account}; its callers' kms:CallerAccount is always ${role.account}`);
  if (images.length === 0) throw new UsageError("at least one enclave image (its PCRs) is required");
  images.forEach(checkImage);

  const context = options.encryptionContext ?? new Map<string, string>();
  const contextKeys = new Set<string>();
  for (const key of context.keys()) {
    if (key === "") throw new UsageError("an encryption context key must not be empty");
    // Condition key names are case-insensitive: "App" and "app" would be one condition key.
    if (contextKeys.has(key.toLowerCase())) throw new UsageError(`the encryption context keys '${key}' and another differ only in case; a key policy cannot tell them apart`);
    contextKeys.add(key.toLowerCase());
  }

  const imageValues = images.map((image) => (image.pcrs.get(0) ?? image.imageSha384!).toLowerCase());
  const conditionSets = new Set<string>();
  const sids = new Set<string>();
  const uniqueSid = (base: string) => {
    let sid = base;
    for (let n = 2; sids.has(sid); n++) sid = `${base}${n}`;
    sids.add(sid);
    return sid;
  };

  const statements: PolicyStatementDocument[] = [
    { Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: one(admins) }, Action: [...KEY_ADMINISTRATION_ACTIONS], Resource: "*" },
    {
      Sid: "DenyUseWithoutAttestation", Effect: "Deny", Principal: "*", Action: [...ATTESTED_ACTIONS], Resource: "*",
      Condition: { Null: { [IMAGE_SHA384_KEY]: "true" } },
    },
    {
      Sid: "DenyUseByOtherImages", Effect: "Deny", Principal: "*", Action: [...ATTESTED_ACTIONS], Resource: "*",
      Condition: { StringNotEqualsIgnoreCase: { [IMAGE_SHA384_KEY]: one([...new Set(imageValues)]) } },
    },
    { Sid: "DenyReEncryptFrom", Effect: "Deny", Principal: "*", Action: "kms:ReEncryptFrom", Resource: "*" },
    { Sid: "DenyEnclaveRolePolicyChanges", Effect: "Deny", Principal: { AWS: role.arn }, Action: [...POLICY_CHANGING_ACTIONS], Resource: "*" },
  ];
  for (const s of statements) sids.add(s.Sid);

  images.forEach((image, i) => {
    const attestation = attestationConditions(image);
    const key = JSON.stringify(attestation);
    if (conditionSets.has(key)) throw new UsageError(`image ${i + 1} (${image.label}) has the same measurements as an earlier one`);
    conditionSets.add(key);
    const bound = { [CALLER_ACCOUNT_KEY]: account };
    const withContext: Record<string, string> = { ...bound };
    for (const [k, v] of context) withContext[encryptionContextKey(k)] = v;
    const label = sidPart(image.label);
    if (context.size === 0) {
      statements.push({
        Sid: uniqueSid(`EnclaveUse${label}`), Effect: "Allow", Principal: { AWS: role.arn }, Action: [...ATTESTED_ACTIONS], Resource: "*",
        Condition: { StringEqualsIgnoreCase: attestation, StringEquals: bound },
      });
      return;
    }
    // GenerateRandom and DeriveSharedSecret take no encryption context: a context condition would refuse them.
    statements.push({
      Sid: uniqueSid(`EnclaveDataKeys${label}`), Effect: "Allow", Principal: { AWS: role.arn }, Action: [...ENCRYPTION_CONTEXT_ACTIONS], Resource: "*",
      Condition: { StringEqualsIgnoreCase: attestation, StringEquals: withContext },
    });
    statements.push({
      Sid: uniqueSid(`EnclaveRandomAndKeyAgreement${label}`), Effect: "Allow", Principal: { AWS: role.arn },
      Action: ATTESTED_ACTIONS.filter((a) => !ENCRYPTION_CONTEXT_ACTIONS.includes(a)), Resource: "*",
      Condition: { StringEqualsIgnoreCase: attestation, StringEquals: bound },
    });
  });

  const policy: KeyPolicyDocument = { Version: "2012-10-17", Id: "enclave-key-policy", Statement: statements };
  try {
    // KMS's own checks, as kms-local makes them: size quota, grammar, principals, condition values.
    parseKeyPolicy(keyPolicyText(policy));
  } catch (e) {
    throw new UsageError(`the policy would not be accepted by KMS: ${(e as Error).message}`);
  }
  return policy;
}
