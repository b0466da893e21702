// The policy generator: its refusals, the shape KMS needs (each image's PCRs in a statement of their own),
// and the linter never flagging anything it writes, over many generated variants.
import { createHash } from "node:crypto";
import { parseKeyPolicy } from "@nitro-enclaves-sdk/kms-local";
import { UsageError } from "../src/errors";
import { generateKeyPolicy, keyPolicyText, type EnclaveImage, type KeyPolicyOptions } from "../src/policy/generate";
import { lintKeyPolicy } from "../src/policy/lint";

const ACCOUNT = "111122223333";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/enclave-parent`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/key-admin`;
const hex = (what: string) => createHash("sha384").update(what).digest("hex");
const image = (name: string, extra: [number, string][] = []): EnclaveImage => ({ label: name, pcrs: new Map([[0, hex(`${name} 0`)], ...extra]) });
const options = (o: Partial<KeyPolicyOptions> = {}): KeyPolicyOptions => ({ images: [image("x86_64")], enclaveRole: ROLE, admins: [ADMIN], ...o });

describe("refuses, with a UsageError that says why", () => {
  test.each<[string, Partial<KeyPolicyOptions>, RegExp]>([
    ["an enclave role that is not a role ARN", { enclaveRole: `arn:aws:iam::${ACCOUNT}:user/bob` }, /IAM role ARN/],
    ["a malformed role ARN", { enclaveRole: "arn:aws:iam::1234:role/x" }, /IAM role ARN/],
    ["no admin", { admins: [] }, /at least one key administrator/],
    ["an admin ARN with a wildcard", { admins: [`arn:aws:iam::${ACCOUNT}:role/admin-*`] }, /key administrator must be/],
    ["an assumed-role session as admin", { admins: [`arn:aws:sts::${ACCOUNT}:assumed-role/a/b`] }, /key administrator must be/],
    ["the same admin twice", { admins: [ADMIN, ADMIN] }, /given twice/],
    ["the enclave role as admin", { admins: [ADMIN, ROLE] }, /must not also be a key administrator/],
    ["an account that is not the role's", { account: "444455556666" }, /is in account 111122223333, not 444455556666/],
    ["an account that is not 12 digits", { account: "12345" }, /12 digits/],
    ["no image", { images: [] }, /at least one enclave image/],
    ["an image without PCR0", { images: [{ label: "a", pcrs: new Map([[1, hex("1")]]) }] }, /PCR0 \(or ImageSha384\) is required/],
    ["all-zero PCR0 (debug mode)", { images: [{ label: "a", pcrs: new Map([[0, "0".repeat(96)]]) }] }, /all zeros/],
    ["all-zero PCR2", { images: [image("a", [[2, "0".repeat(96)]])] }, /PCR2 is all zeros/],
    ["a PCR the NSM never sets", { images: [image("a", [[7, hex("7")]])] }, /PCR7 is never set/],
    ["a PCR value of the wrong length", { images: [image("a", [[1, hex("1").slice(2)]])] }, /96 hex digits/],
    ["PCR0 and ImageSha384 that differ", { images: [{ ...image("a"), imageSha384: hex("other") }] }, /differ/],
    ["two images with the same measurements", { images: [image("a"), image("a")] }, /same measurements/],
    ["encryption context keys that differ only in case", { encryptionContext: new Map([["App", "1"], ["app", "2"]]) }, /differ only in case/],
    ["a policy over KMS's 32 KiB", { images: Array.from({ length: 40 }, (_, i) => image(`build${i}`, [[1, hex(`${i} 1`)], [2, hex(`${i} 2`)], [8, hex(`${i} 8`)]])) }, /LimitExceededException|32768/],
  ])("%s", (_what, o, message) => {
    expect(() => generateKeyPolicy(options(o))).toThrow(UsageError);
    expect(() => generateKeyPolicy(options(o))).toThrow(message);
  });
});

describe("options objects", () => {
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).account;
    delete (Object.prototype as Record<string, unknown>).imageSha384;
  });

  test("are read through their own properties: a polluted prototype changes nothing", () => {
    const clean = generateKeyPolicy(options());
    Object.assign(Object.prototype, { account: "444455556666", imageSha384: hex("polluted") });
    expect(generateKeyPolicy(options())).toEqual(clean);
  });

  test.each<[string, unknown]>([
    ["not an object", undefined],
    ["images not a list", { ...options(), images: "x86" }],
    ["an image without a Map of PCRs", { ...options(), images: [{ label: "a", pcrs: { 0: hex("0") } }] }],
    ["admins not strings", { ...options(), admins: [42] }],
    ["an encryption context that is not a Map of strings", { ...options(), encryptionContext: new Map([["a", 1]]) }],
  ])("of the wrong shape (%s) are UsageErrors", (_what, o) => {
    expect(() => generateKeyPolicy(o as KeyPolicyOptions)).toThrow(UsageError);
  });
});

describe("the policy", () => {
  test("gives each image statements of its own, single-valued conditions per PCR", () => {
    const a = image("x86_64", [[1, hex("a1")], [2, hex("a2")]]);
    const b = image("aarch64", [[1, hex("b1")], [2, hex("b2")]]);
    const policy = generateKeyPolicy(options({ images: [a, b] }));
    const enclave = policy.Statement.filter((s) => s.Effect === "Allow" && JSON.stringify(s.Principal).includes(ROLE));
    expect(enclave.map((s) => s.Sid)).toEqual(["EnclaveUseX8664", "EnclaveUseAarch64"]);
    for (const [s, img] of [[enclave[0], a], [enclave[1], b]] as const) {
      expect(s.Condition!.StringEqualsIgnoreCase).toEqual({
        "kms:RecipientAttestation:PCR0": img.pcrs.get(0), "kms:RecipientAttestation:PCR1": img.pcrs.get(1), "kms:RecipientAttestation:PCR2": img.pcrs.get(2),
      });
      expect(s.Condition!.StringEquals).toEqual({ "kms:CallerAccount": ACCOUNT });
    }
    // The Deny of other images lists each image's PCR0; the Deny without attestation asks Null.
    const byId = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(byId.DenyUseByOtherImages.Condition).toEqual({ StringNotEqualsIgnoreCase: { "kms:RecipientAttestation:ImageSha384": [a.pcrs.get(0), b.pcrs.get(0)] } });
    expect(byId.DenyUseWithoutAttestation.Condition).toEqual({ Null: { "kms:RecipientAttestation:ImageSha384": "true" } });
    expect(byId.KeyAdministration.Action).not.toEqual(expect.arrayContaining(["kms:Decrypt"]));
  });

  test("binds the encryption context on the operations that take one, and only there", () => {
    const policy = generateKeyPolicy(options({ encryptionContext: new Map([["app", "ledger"]]) }));
    const [data, other] = policy.Statement.slice(-2);
    expect(data.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair"]);
    expect(data.Condition!.StringEquals).toEqual({ "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:app": "ledger" });
    expect(other.Action).toEqual(["kms:GenerateRandom", "kms:DeriveSharedSecret"]);
    expect(other.Condition!.StringEquals).toEqual({ "kms:CallerAccount": ACCOUNT });
  });

  test("writes ImageSha384 when given it, lower-cased", () => {
    const value = hex("img");
    const policy = generateKeyPolicy(options({ images: [{ label: "img", pcrs: new Map(), imageSha384: value.toUpperCase() }] }));
    expect(policy.Statement.at(-1)!.Condition!.StringEqualsIgnoreCase).toEqual({ "kms:RecipientAttestation:ImageSha384": value });
  });

  test("is a document kms-local accepts, in the text nitro-kms prints", () => {
    expect(() => parseKeyPolicy(keyPolicyText(generateKeyPolicy(options())))).not.toThrow();
  });
});

/** A small deterministic generator (mulberry32), so that a failing variant can be found again by its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]) => list[int(list.length)];
  const subset = <T>(list: readonly T[]) => list.filter(() => next() < 0.5);
  return { next, int, pick, subset };
}

function variant(seed: number): KeyPolicyOptions {
  const r = random(seed);
  const partition = r.pick(["aws", "aws-cn", "aws-us-gov"]);
  const account = r.pick(["111122223333", "444455556666"]);
  const other = "777788889999";
  const arn = (acct: string, kind: string, name: string) => `arn:${partition}:iam::${acct}:${kind}/${name}`;
  const shared: [number, string][] = r.subset([3, 4, 16, 23, 31]).map((i) => [i, hex(`${seed} shared ${i}`)]);
  const images = Array.from({ length: 1 + r.int(4) }, (_, i): EnclaveImage => {
    const extra: [number, string][] = r.subset([1, 2, 8]).map((p) => [p, hex(`${seed} ${i} ${p}`)]);
    const pcr0 = hex(`${seed} ${i} 0`);
    const style = r.pick(["pcr0", "both", "sha"]);
    return {
      label: r.pick(["x86_64", "aarch64", "enclave image", "build-2", "é"]),
      pcrs: new Map([...(style === "sha" ? [] : [[0, r.next() < 0.5 ? pcr0 : pcr0.toUpperCase()] as [number, string]]), ...extra, ...shared]),
      ...(style !== "pcr0" && { imageSha384: pcr0 }),
    };
  });
  const admins = [...new Set([
    arn(account, "role", "key-admin"),
    ...r.subset([arn(account, "user", "alice"), arn(other, "role", "security/auditor-admin"), `arn:${partition}:iam::${other}:root`]),
  ])];
  const context = new Map(r.subset([["app", "ledger"], ["tenant", "t-1"], ["Purpose", ""]] as [string, string][]));
  return {
    images, admins, enclaveRole: arn(account, "role", r.pick(["enclave", "apps/enclave-parent"])), encryptionContext: context,
    ...(r.next() < 0.5 && { account }),
  };
}

test("the linter never flags a policy the generator wrote (300 variants)", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const findings = lintKeyPolicy(keyPolicyText(generateKeyPolicy(variant(seed))));
    if (findings.length) throw new Error(`seed ${seed}: ${JSON.stringify(findings, null, 2)}`);
  }
});
