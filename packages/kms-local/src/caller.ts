// Who signed a request. A credential stands for one IAM identity, named by the ARN that STS
// GetCallerIdentity would return for it: the account root, an IAM user, or an assumed-role session
// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, as an EC2 instance role or a role assumed with STS
// gives). Key policies see the identity through aws:PrincipalArn, which IAM defines as the user's ARN, and
// for a role session as the ARN of the role (arn:aws:iam::ACCOUNT:role/[PATH/]ROLE), not of the session.
import { KmsLocalConfigError } from "./errors.js";

/** An access key kms-local accepts, and the identity it stands for. */
export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  /** Required in requests signed with this credential when set (temporary credentials always have one). */
  sessionToken?: string;
  /**
   * The identity: arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/[PATH/]NAME or
   * arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (which needs a sessionToken).
   */
  arn: string;
  /**
   * For an assumed-role session whose role has a path: the role's ARN (arn:aws:iam::ACCOUNT:role/PATH/ROLE),
   * which the session ARN does not show. Default: the role's ARN without a path.
   */
  principalArn?: string;
}

/** The identity behind a verified request. */
export interface Caller {
  accessKeyId: string;
  /** The identity's ARN (user, root or assumed-role session), as in refusals ("User: <arn> is not authorized ..."). */
  arn: string;
  /** aws:PrincipalArn: the user or root ARN, or the role's ARN for an assumed-role session. */
  principalArn: string;
  account: string;
}

const PARTITION = "aws(?:-[a-z]+)*";
const NAME = "[\\w+=,.@-]+";
const ROOT = new RegExp(`^arn:(${PARTITION}):iam::(\\d{12}):root$`);
const USER = new RegExp(`^arn:(${PARTITION}):iam::(\\d{12}):user/(?:${NAME}/)*${NAME}$`);
const SESSION = new RegExp(`^arn:(${PARTITION}):sts::(\\d{12}):assumed-role/(${NAME})/(${NAME})$`);
const ROLE = new RegExp(`^arn:(${PARTITION}):iam::(\\d{12}):role/(?:${NAME}/)*(${NAME})$`);

const bad = (message: string): never => {
  throw new KmsLocalConfigError(message);
};

function requireText(credential: Record<string, unknown>, name: string, optional = false): string | undefined {
  const value = Object.prototype.hasOwnProperty.call(credential, name) ? credential[name] : undefined;
  if (value === undefined && optional) return undefined;
  if (typeof value !== "string" || value.length === 0) bad(`a credential's ${name} must be a non-empty string`);
  return value as string;
}

/** Checks a credential (own properties only) and returns it as kms-local keeps it, with its caller. */
export function checkCredential(input: unknown): { credential: Credential; caller: Caller } {
  if (input === null || typeof input !== "object") return bad("a credential must be an object");
  const c = input as Record<string, unknown>;
  const accessKeyId = requireText(c, "accessKeyId")!;
  const secretAccessKey = requireText(c, "secretAccessKey")!;
  const sessionToken = requireText(c, "sessionToken", true);
  const arn = requireText(c, "arn")!;
  const givenPrincipal = requireText(c, "principalArn", true);

  let account: string;
  let principalArn: string;
  const session = SESSION.exec(arn);
  if (session) {
    const [, partition, sessionAccount, role] = session;
    account = sessionAccount;
    if (sessionToken === undefined) bad(`the credential ${accessKeyId} acts as the role session ${arn}: give its session token`);
    principalArn = givenPrincipal ?? `arn:${partition}:iam::${account}:role/${role}`;
    const roleArn = ROLE.exec(principalArn);
    if (!roleArn || roleArn[1] !== partition || roleArn[2] !== account || roleArn[3] !== role) {
      bad(`the principal ARN of the session ${arn} must be its role's ARN (arn:${partition}:iam::${account}:role/[PATH/]${role}), got '${principalArn}'`);
    }
  } else {
    const identity = ROOT.exec(arn) ?? USER.exec(arn);
    if (!identity) {
      return bad(
        `'${arn}' is not an identity a credential can stand for: use arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/NAME` +
          ` or, for a role, a session of it: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`,
      );
    }
    account = identity[2];
    principalArn = arn;
    if (givenPrincipal !== undefined && givenPrincipal !== arn) bad(`the principal ARN of ${arn} is the same ARN, got '${givenPrincipal}'`);
  }
  const credential: Credential = { accessKeyId, secretAccessKey, arn, ...(sessionToken !== undefined ? { sessionToken } : {}), ...(session ? { principalArn } : {}) };
  return { credential, caller: Object.freeze({ accessKeyId, arn, principalArn, account }) };
}
