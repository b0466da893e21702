// IAM principal ARNs as KMS takes them in a key policy and as callers present themselves, and account ids.
// IAM allows no wildcards inside a principal's ARN.

export type PrincipalKind = "root" | "user" | "role" | "assumed-role" | "federated-user";

export interface Principal {
  /** The ARN as given. */
  readonly arn: string;
  readonly kind: PrincipalKind;
  readonly partition: string;
  readonly account: string;
  /**
   * aws:PrincipalArn for a request made as this principal: the role's ARN for an assumed-role session
   * (without the role's path, which a session ARN does not carry), the ARN itself otherwise.
   */
  readonly principalArn: string;
}

const PARTITION = "(aws(?:-[a-z]+)*)";
const ACCOUNT = "(\\d{12})";
const NAME = "[\\w+=,.@-]{1,64}";
const IAM_ENTITY = new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:(user|role)/(?:[\\w+=,.@-]+/)*${NAME}$`);
const ROOT = new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:root$`);
const SESSION = new RegExp(`^arn:${PARTITION}:sts::${ACCOUNT}:assumed-role/(${NAME})/${NAME}$`);
const FEDERATED = new RegExp(`^arn:${PARTITION}:sts::${ACCOUNT}:federated-user/${NAME}$`);

export const isAccountId = (text: string) => /^\d{12}$/.test(text);

/** Reads an IAM user, role or account root ARN, or an STS assumed-role or federated-user ARN. */
export function readPrincipalArn(arn: string): Principal | undefined {
  let m = IAM_ENTITY.exec(arn);
  if (m) return { arn, kind: m[3] as "user" | "role", partition: m[1], account: m[2], principalArn: arn };
  m = ROOT.exec(arn);
  if (m) return { arn, kind: "root", partition: m[1], account: m[2], principalArn: arn };
  m = SESSION.exec(arn);
  if (m) return { arn, kind: "assumed-role", partition: m[1], account: m[2], principalArn: `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` };
  m = FEDERATED.exec(arn);
  if (m) return { arn, kind: "federated-user", partition: m[1], account: m[2], principalArn: arn };
  return undefined;
}
