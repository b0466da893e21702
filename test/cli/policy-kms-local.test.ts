// Policies written by `nitro-kms policy generate`, set on keys of a kms-local that trusts a simulated NSM's
// CA, and exercised through the official @aws-sdk/client-kms as the enclave role, the key administrator
// and an attacker: the key reaches an enclave that runs a listed image, and nobody else. `policy simulate`
// must give the same answer as the server for every request.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateKeyCommand, DecryptCommand, DescribeKeyCommand, GenerateDataKeyCommand, GenerateDataKeyPairCommand, PutKeyPolicyCommand,
  type KMSClient,
} from "official-client-kms";
import { EnclaveHandle } from "@nitro-enclaves-sdk/nsm";
import { SimulatedNsm, createSimulatorCa } from "@nitro-enclaves-sdk/nsm/simulator";
import { KmsLocal } from "@nitro-enclaves-sdk/kms-local";
import { officialClient, roleSession } from "../kms-local/helpers";
import { imagePcrs, measurement, nitroKms, writeNitroCliMeasurements } from "./helpers";

const ACCOUNT = "111122223333";
const ENCLAVE_ROLE = `arn:aws:iam::${ACCOUNT}:role/enclave-parent`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/key-admin`;
const OUTSIDER = `arn:aws:iam::${ACCOUNT}:role/someone-else`;
const IDENTITIES: Record<string, string> = { enclave: ENCLAVE_ROLE, admin: ADMIN, outsider: OUTSIDER };
const ca = createSimulatorCa();
const X86 = imagePcrs("x86_64 build");
const ARM = imagePcrs("aarch64 build");

let dir: string;
let local: KmsLocal;
const clients: Record<string, KMSClient> = {};
const enclaves: Record<string, EnclaveHandle> = {};


beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nitro-kms-policy-"));
  local = await KmsLocal.start({ trustedRoots: [ca.certificatePem], credentials: Object.entries(IDENTITIES).map(([n, arn]) => roleSession(n, arn).credential) });
  for (const [name, arn] of Object.entries(IDENTITIES)) {
    clients[name] = officialClient(local.endpoint, { credentials: roleSession(name, arn).keys });
  }
  const nsm = (pcrs: Record<number, string>, debug = false) => EnclaveHandle.create({ transport: new SimulatedNsm({ ca, pcrs, debug }) });
  enclaves.x86 = await nsm(X86);
  enclaves.arm = await nsm(ARM);
  // PCR0 of one build with PCR1 and PCR2 of the other: each value is listed somewhere, the set nowhere.
  enclaves.mixed = await nsm({ 0: X86[0], 1: ARM[1], 2: ARM[2] });
  enclaves.impostor = await nsm({ ...X86, 0: measurement("a modified image") });
  enclaves.debug = await nsm(X86, true);
});

afterAll(async () => {
  for (const c of Object.values(clients)) c.destroy();
  for (const e of Object.values(enclaves)) e.close();
  await local.close();
  rmSync(dir, { recursive: true, force: true });
});

async function generated(...args: string[]): Promise<string> {
  const r = await nitroKms("policy", "generate", "--enclave-role", ENCLAVE_ROLE, "--admin", ADMIN, ...args);
  expect(r).toMatchObject({ code: 0, stderr: "" });
  return r.stdout;
}

/** Creates a key with the policy as the administrator (KMS's lockout check passes only for someone who may PutKeyPolicy). */
async function keyWith(policy: string): Promise<string> {
  const { KeyMetadata } = await clients.admin.send(new CreateKeyCommand({ Policy: policy }));
  return KeyMetadata!.KeyId!;
}


/** The outcome of a call: "allowed", or the error's name (AccessDeniedException with the kind of denial). */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "allowed";
  } catch (e) {
    const { name, message } = e as Error;
    if (name !== "AccessDeniedException") return name;
    return /explicit deny/.test(message) ? "explicitly denied" : "denied";
  }
}

/** What `policy simulate` says of the same request, as "allowed" / "explicitly denied" / "denied". */
async function simulated(policy: string, caller: string, action: string, options: { enclave?: EnclaveHandle; context?: Record<string, string> } = {}) {
  const policyFile = join(dir, "policy.json");
  writeFileSync(policyFile, policy);
  const args = ["policy", "simulate", policyFile, "--as", caller, "--action", action, "--json"];
  if (options.enclave) {
    const docFile = join(dir, "attestation.cose");
    writeFileSync(docFile, await options.enclave.attest());
    args.push("--attestation", docFile);
  }
  for (const [k, v] of Object.entries(options.context ?? {})) args.push("--encryption-context", `${k}=${v}`);
  const r = await nitroKms(...args);
  const { decision } = JSON.parse(r.stdout);
  expect(r.code).toBe(decision === "Allow" ? 0 : 2);
  return decision === "Allow" ? "allowed" : decision === "ExplicitDeny" ? "explicitly denied" : "denied";
}

describe("a policy generated for one image (--pcr0)", () => {
  let policy: string;
  let keyId: string;
  let blob: Uint8Array;

  beforeAll(async () => {
    policy = await generated("--pcr0", X86[0]);
    keyId = await keyWith(policy);
    // The enclave makes a data key; its CiphertextBlob is what the others will try to open.
    const g = await clients.enclave.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", Recipient: await enclaves.x86.recipient() }));
    expect(g.Plaintext).toBeUndefined();
    expect(enclaves.x86.decryptKMSEnvelopedKey(g.CiphertextForRecipient!)).toHaveLength(32);
    blob = g.CiphertextBlob!;
  });

  test("the enclave with that PCR0 gets the key back (as CiphertextForRecipient only it can open)", async () => {
    const d = await clients.enclave.send(new DecryptCommand({ CiphertextBlob: blob, Recipient: await enclaves.x86.recipient() }));
    expect(d.Plaintext).toBeUndefined();
    expect(enclaves.x86.decryptKMSEnvelopedKey(d.CiphertextForRecipient!)).toHaveLength(32);
  });

  test.each([
    ["the enclave role with another image's PCR0", "enclave", "impostor", "explicitly denied"],
    ["the enclave role from a debug-mode enclave", "enclave", "debug", "explicitly denied"],
    ["the enclave role without attestation", "enclave", undefined, "explicitly denied"],
    ["the admin without attestation", "admin", undefined, "explicitly denied"],
    ["the admin with the right enclave's attestation", "admin", "x86", "denied"],
    ["another role of the account with the right enclave's attestation", "outsider", "x86", "denied"],
  ])("Decrypt is refused to %s, and simulate agrees", async (_what, who, enclave, expected) => {
    const e = enclave ? enclaves[enclave] : undefined;
    const got = await outcome(async () => clients[who].send(new DecryptCommand({ CiphertextBlob: blob, ...(e && { Recipient: await e.recipient() }) })));
    expect(got).toBe(expected);
    expect(await simulated(policy, IDENTITIES[who], "kms:Decrypt", { enclave: e })).toBe(expected);
  });

  test("the admin manages the key; the enclave role cannot change its policy", async () => {
    await expect(clients.admin.send(new DescribeKeyCommand({ KeyId: keyId }))).resolves.toBeDefined();
    await expect(clients.admin.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: "default", Policy: policy }))).resolves.toBeDefined();
    expect(await outcome(() => clients.enclave.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: "default", Policy: policy })))).toBe("explicitly denied");
    expect(await simulated(policy, ENCLAVE_ROLE, "kms:PutKeyPolicy")).toBe("explicitly denied");
    expect(await simulated(policy, ADMIN, "kms:PutKeyPolicy")).toBe("allowed");
  });

  test("an assumed-role session of the enclave role is the role", async () => {
    expect(await simulated(policy, `arn:aws:sts::${ACCOUNT}:assumed-role/enclave-parent/i-0123456789abcdef0`, "kms:Decrypt", { enclave: enclaves.x86 })).toBe("allowed");
  });
});

describe("a policy generated from two builds' measurement files", () => {
  let policy: string;
  let keyId: string;

  beforeAll(async () => {
    policy = await generated(
      "--measurements", writeNitroCliMeasurements(dir, "x86_64", X86),
      "--measurements", writeNitroCliMeasurements(dir, "aarch64", ARM),
    );
    keyId = await keyWith(policy);
  });

  test.each([
    ["x86", "allowed"],
    ["arm", "allowed"],
    ["mixed", "denied"],
    ["impostor", "explicitly denied"],
    ["debug", "explicitly denied"],
  ])("GenerateDataKey from the %s enclave: %s, and simulate agrees", async (enclave, expected) => {
    const got = await outcome(async () => clients.enclave.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", Recipient: await enclaves[enclave].recipient() })));
    expect(got).toBe(expected);
    expect(await simulated(policy, ENCLAVE_ROLE, "kms:GenerateDataKey", { enclave: enclaves[enclave] })).toBe(expected);
  });
});

describe("a policy generated with an encryption context", () => {
  let policy: string;
  let keyId: string;

  beforeAll(async () => {
    policy = await generated("--pcr0", X86[0], "--pcr", `1=${X86[1]}`, "--encryption-context", "app=ledger", "--encryption-context", "tenant=t-1");
    keyId = await keyWith(policy);
  });

  test.each([
    [{ app: "ledger", tenant: "t-1" }, "allowed"],
    [{ app: "ledger", tenant: "t-1", extra: "x" }, "allowed"],
    [{ app: "ledger" }, "denied"],
    [{ app: "ledger", tenant: "t-2" }, "denied"],
    [{}, "denied"],
  ])("GenerateDataKeyPair with the context %j: %s, and simulate agrees", async (context, expected) => {
    const send = async () => clients.enclave.send(new GenerateDataKeyPairCommand({
      KeyId: keyId, KeyPairSpec: "ECC_NIST_P256", EncryptionContext: context, Recipient: await enclaves.x86.recipient(),
    }));
    expect(await outcome(send)).toBe(expected);
    expect(await simulated(policy, ENCLAVE_ROLE, "kms:GenerateDataKeyPair", { enclave: enclaves.x86, context })).toBe(expected);
  });

  test("the context does not stand in for PCR1: another kernel is refused", async () => {
    const otherKernel = await EnclaveHandle.create({ transport: new SimulatedNsm({ ca, pcrs: { ...X86, 1: measurement("another kernel") } }) });
    try {
      const got = await outcome(async () => clients.enclave.send(new GenerateDataKeyCommand({
        KeyId: keyId, KeySpec: "AES_256", EncryptionContext: { app: "ledger", tenant: "t-1" }, Recipient: await otherKernel.recipient(),
      })));
      expect(got).toBe("denied");
    } finally {
      otherKernel.close();
    }
  });
});
