// Who and what a statement applies to, as IAM documents the Principal and Resource elements: a role ARN
// names all of that role's sessions, a session ARN that session; an account stands for "its IAM policies
// decide"; Resource / NotResource are matched against the key's ARN (a statement about another key does
// not apply); a statement lacking Action or Resource has no effect (KMS API reference, PutKeyPolicy).
import { evaluate } from "../src/policy";
import { ACCOUNT, ALICE, KEY_ARN, OTHER_KEY_ARN, allow, policy, request } from "./policy-helpers";

const ROLE = `arn:aws:iam::${ACCOUNT}:role/enclave-parent`;
const ROLE_WITH_PATH = `arn:aws:iam::${ACCOUNT}:role/team/enclave-parent`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/enclave-parent/i-0123456789abcdef0`;
const OTHER_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/enclave-parent/i-0fedcba9876543210`;
/** A request by a session of enclave-parent: the caller is the session, aws:PrincipalArn the role. */
const bySession = (callerArn = SESSION, principalArn = ROLE) => request({ callerArn, principalArn });
const decision = (statement: object, req = request()) => evaluate(policy(statement), req).decision;

describe("Principal", () => {
  test("a role ARN matches every session of that role, and no session of another role", () => {
    expect(decision(allow({ Principal: { AWS: ROLE } }), bySession())).toBe("Allow");
    expect(decision(allow({ Principal: { AWS: ROLE } }), bySession(OTHER_SESSION))).toBe("Allow");
    expect(decision(allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/other` } }), bySession())).toBe("ImplicitDeny");
    // The role is matched by its full ARN, path included (a session ARN does not show the path).
    expect(decision(allow({ Principal: { AWS: ROLE_WITH_PATH } }), bySession(SESSION, ROLE_WITH_PATH))).toBe("Allow");
    expect(decision(allow({ Principal: { AWS: ROLE } }), bySession(SESSION, ROLE_WITH_PATH))).toBe("ImplicitDeny");
  });

  test("a session ARN matches that session only", () => {
    expect(decision(allow({ Principal: { AWS: SESSION } }), bySession())).toBe("Allow");
    expect(decision(allow({ Principal: { AWS: SESSION } }), bySession(OTHER_SESSION))).toBe("ImplicitDeny");
  });

  test("a user ARN matches that user", () => {
    expect(decision(allow())).toBe("Allow");
    expect(decision(allow(), request({ callerArn: `arn:aws:iam::${ACCOUNT}:user/bob` }))).toBe("ImplicitDeny");
  });

  test("an account, by id or root ARN, matches every principal of that account (its IAM policies decide)", () => {
    for (const account of [ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`]) {
      expect(decision(allow({ Principal: { AWS: account } }), bySession())).toBe("Allow");
      expect(decision(allow({ Principal: { AWS: account } }), request({ callerArn: `arn:aws:iam::${ACCOUNT}:user/bob` }))).toBe("Allow");
      expect(decision(allow({ Principal: { AWS: account } }), request({ callerArn: "arn:aws:iam::444455556666:user/x", principalAccount: "444455556666" }))).toBe("ImplicitDeny");
    }
    // The root ARN is of one partition.
    expect(decision(allow({ Principal: { AWS: `arn:aws-cn:iam::${ACCOUNT}:root` } }))).toBe("ImplicitDeny");
  });

  test('"*" and "AWS": "*" match everyone; Service and Federated principals match no kms-local caller', () => {
    const stranger = request({ callerArn: "arn:aws:iam::444455556666:user/x", principalAccount: "444455556666" });
    expect(decision(allow({ Principal: "*" }), stranger)).toBe("Allow");
    expect(decision(allow({ Principal: { AWS: "*" } }), stranger)).toBe("Allow");
    expect(decision(allow({ Principal: { AWS: ["arn:aws:iam::444455556666:user/y", "*"] } }), stranger)).toBe("Allow");
    expect(decision(allow({ Principal: { Service: "ec2.amazonaws.com" } }))).toBe("ImplicitDeny");
    expect(decision(allow({ Principal: { Federated: "cognito-identity.amazonaws.com" } }))).toBe("ImplicitDeny");
  });

  test("aws:PrincipalArn is the role for a session, so ArnLike on the role's ARN matches its sessions", () => {
    const statement = allow({ Principal: "*", Condition: { ArnEquals: { "aws:PrincipalArn": ROLE } } });
    expect(decision(statement, bySession())).toBe("Allow");
    expect(decision(statement)).toBe("ImplicitDeny");
    expect(decision(allow({ Principal: "*", Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:sts::${ACCOUNT}:assumed-role/*` } } }), bySession())).toBe("ImplicitDeny");
  });
});

describe("Resource", () => {
  test('"*", the key\'s own ARN and a pattern that matches it apply; another key\'s ARN does not', () => {
    expect(decision(allow({ Resource: "*" }))).toBe("Allow");
    expect(decision(allow({ Resource: KEY_ARN }))).toBe("Allow");
    expect(decision(allow({ Resource: [OTHER_KEY_ARN, KEY_ARN] }))).toBe("Allow");
    expect(decision(allow({ Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/*` }))).toBe("Allow");
    expect(decision(allow({ Resource: "arn:aws:kms:*:*:key/1234abcd-????-*" }))).toBe("Allow");
    expect(decision(allow({ Resource: OTHER_KEY_ARN }))).toBe("ImplicitDeny");
    expect(decision(allow({ Resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/*` }))).toBe("ImplicitDeny");
    expect(decision(allow({ Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/*` }))).toBe("ImplicitDeny");
  });

  test("a Deny about another key does not apply to this one", () => {
    const p = policy(allow(), { Effect: "Deny", Principal: "*", Action: "kms:*", Resource: OTHER_KEY_ARN });
    expect(evaluate(p, request()).decision).toBe("Allow");
    expect(evaluate(p, request({ resource: OTHER_KEY_ARN })).decision).toBe("ExplicitDeny");
  });

  test("NotResource applies to every resource it does not name", () => {
    expect(decision(allow({ Resource: undefined, NotResource: OTHER_KEY_ARN }))).toBe("Allow");
    expect(decision(allow({ Resource: undefined, NotResource: `arn:aws:kms:*:${ACCOUNT}:key/*` }))).toBe("ImplicitDeny");
    expect(decision(allow({ Resource: undefined, NotResource: "*" }))).toBe("ImplicitDeny");
  });
});

describe("a statement without Action or Resource has no effect", () => {
  test.each([
    ["Action", { Action: undefined }],
    ["Resource", { Resource: undefined }],
  ])("no %s: neither its Allow nor its Deny applies", (_what, missing) => {
    expect(decision(allow(missing))).toBe("ImplicitDeny");
    const p = policy(allow(), { Effect: "Deny", Principal: "*", Action: "kms:*", Resource: "*", ...missing });
    expect(evaluate(p, request()).decision).toBe("Allow");
  });
});

test("the principal, action, resource and conditions must all match", () => {
  const statement = allow({ Principal: { AWS: ROLE }, Action: "kms:Decrypt", Resource: KEY_ARN, Condition: { StringEquals: { "kms:EncryptionContext:app": "a" } } });
  const ok = { callerArn: SESSION, principalArn: ROLE, context: { "kms:EncryptionContext:app": "a" } };
  expect(evaluate(policy(statement), request(ok)).decision).toBe("Allow");
  expect(evaluate(policy(statement), request({ ...ok, callerArn: ALICE, principalArn: ALICE })).decision).toBe("ImplicitDeny");
  expect(evaluate(policy(statement), request({ ...ok, action: "kms:Encrypt" })).decision).toBe("ImplicitDeny");
  expect(evaluate(policy(statement), request({ ...ok, resource: OTHER_KEY_ARN })).decision).toBe("ImplicitDeny");
  expect(evaluate(policy(statement), request({ ...ok, context: { "kms:EncryptionContext:app": "b" } })).decision).toBe("ImplicitDeny");
});
