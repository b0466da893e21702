// The credentials JSON that instance metadata, the container endpoint and a parent instance hand over:
// { AccessKeyId, SecretAccessKey, Token | SessionToken, Expiration } (the shape IMDS and `aws configure
// export-credentials --format process` write), checked field by field. Messages never echo the values.
import type { AwsCredentialIdentity } from "@smithy/types";
import { ownProperty } from "../own-property.js";

const PRINTABLE = /^[\x21-\x7e]+$/;

/** The credentials in `value`, or a message saying what is wrong with them (never what they contain). */
export function parseCredentialsJson(value: unknown): AwsCredentialIdentity | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const field = (name: string, max: number, required: boolean): string | undefined | Error => {
    const v = ownProperty(value, name);
    if (v === undefined || v === null) return required ? new Error(`${name} is missing`) : undefined;
    if (typeof v !== "string" || v.length === 0 || v.length > max || !PRINTABLE.test(v)) return new Error(`${name} is not a string of 1 to ${max} printable characters`);
    return v;
  };
  const accessKeyId = field("AccessKeyId", 128, true);
  const secretAccessKey = field("SecretAccessKey", 128, true);
  const token = field("Token", 8192, false) ?? field("SessionToken", 8192, false);
  const expirationText = field("Expiration", 64, false);
  for (const f of [accessKeyId, secretAccessKey, token, expirationText]) if (f instanceof Error) return f.message;
  const expiration = expirationText === undefined ? undefined : new Date(expirationText as string);
  if (expiration && Number.isNaN(expiration.getTime())) return "Expiration is not a date";
  return {
    accessKeyId: accessKeyId as string,
    secretAccessKey: secretAccessKey as string,
    ...(token !== undefined ? { sessionToken: token as string } : {}),
    ...(expiration ? { expiration } : {}),
  };
}

/** A copy the caller may keep or change without touching ours. */
export function copyCredentials(c: AwsCredentialIdentity): AwsCredentialIdentity {
  return { ...c, ...(c.expiration ? { expiration: new Date(c.expiration.getTime()) } : {}) };
}
