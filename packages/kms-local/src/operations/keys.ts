// Key lifecycle: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, EnableKey, DisableKey,
// ScheduleKeyDeletion, CancelKeyDeletion, GetKeyPolicy, PutKeyPolicy.
import { randomUUID } from "node:crypto";
import {
  InvalidMarkerException, KMSInvalidStateException, MalformedPolicyDocumentException, NotFoundException,
  UnsupportedOperationException, ValidationException,
} from "../errors.js";
import type { Input } from "../input.js";
import { generateMaterial, KEY_SPECS, KEY_USAGES, MODEL_KEY_SPECS, SPEC_INFO, type KeySpec } from "../key-specs.js";
import { epochSeconds, type Caller, type Kms } from "../kms.js";
import { defaultKeyPolicy, evaluate, parseKeyPolicy } from "../policy.js";
import { StoredKey } from "../store.js";
import { keyMetadata } from "./key-metadata.js";
import { keyIdRule, type Operation } from "./types.js";

const POLICY_RULE = { min: 1, max: 131072, pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ };

/** KMS refuses a policy that would lock the caller out of changing it again, unless told to bypass the check. */
function checkLockout(kms: Kms, keyId: string, policyText: string, caller: Caller, bypass: boolean | undefined) {
  const policy = parseKeyPolicy(policyText);
  if (bypass) return;
  const { decision } = evaluate(policy, {
    callerArn: caller.principalArn,
    principalArn: caller.principalArn,
    principalAccount: caller.account,
    action: "kms:PutKeyPolicy",
    resource: kms.keyArn(keyId),
    context: kms.conditionContext(caller),
  });
  if (decision !== "Allow") {
    throw new MalformedPolicyDocumentException("The new key policy will not allow you to update the key policy in the future.");
  }
}

const describedKey = (kms: Kms, input: Input, caller: Caller, action: string, aliases = false) => {
  const key = kms.resolveKey(input.string("KeyId", { ...keyIdRule, required: true }), { aliases });
  kms.authorize(key, action, caller, kms.conditionContext(caller));
  return key;
};

export const CreateKey: Operation = async (kms, input, caller) => {
  const policy = input.string("Policy", POLICY_RULE);
  const description = input.string("Description", { min: 0, max: 8192 }) ?? "";
  let usage = input.enumOf("KeyUsage", KEY_USAGES);
  const cmkSpec = input.enumOf("CustomerMasterKeySpec", MODEL_KEY_SPECS);
  const keySpec = input.enumOf("KeySpec", MODEL_KEY_SPECS);
  const origin = input.enumOf("Origin", ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"] as const);
  const customKeyStore = input.string("CustomKeyStoreId", { min: 1, max: 64 });
  const xksKeyId = input.string("XksKeyId", { min: 1, max: 128 });
  const bypass = input.boolean("BypassPolicyLockoutSafetyCheck");
  const multiRegion = input.boolean("MultiRegion");
  const tags = (input.structureList("Tags") ?? []).map((t) => ({
    TagKey: t.string("TagKey", { required: true, min: 1, max: 128 }),
    TagValue: t.string("TagValue", { required: true, min: 0, max: 256 }),
  }));
  if (tags.length > 50) throw new ValidationException("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50");

  if (cmkSpec && keySpec) throw new ValidationException("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.");
  const spec = keySpec ?? cmkSpec ?? "SYMMETRIC_DEFAULT";
  if (!(KEY_SPECS as readonly string[]).includes(spec)) throw new UnsupportedOperationException(`KeySpec ${spec} is not supported by kms-local.`);
  if (origin && origin !== "AWS_KMS") throw new UnsupportedOperationException(`Origin ${origin} is not supported by kms-local.`);
  if (customKeyStore || xksKeyId) throw new UnsupportedOperationException("Custom key stores are not supported by kms-local.");
  if (multiRegion) throw new UnsupportedOperationException("Multi-Region keys are not supported by kms-local.");
  const info = SPEC_INFO[spec as KeySpec];
  usage ??= "ENCRYPT_DECRYPT";
  if (!info.usages.includes(usage)) {
    throw new ValidationException(`KeyUsage ${usage} is not compatible with KeySpec ${spec}. Valid KeyUsage values for ${spec}: ${info.usages.join(", ")}.`);
  }

  const keyId = randomUUID();
  const policyText = policy ?? defaultKeyPolicy(kms.settings.account);
  if (policy !== undefined) checkLockout(kms, keyId, policyText, caller, bypass);
  kms.dryRun(input);

  const key = new StoredKey({
    keyId,
    creationDate: Date.now(),
    description,
    keyUsage: usage,
    keySpec: spec as KeySpec,
    state: "Enabled",
    policy: policyText,
    tags,
    material: await generateMaterial(spec as KeySpec),
  });
  await kms.store.putKey(key);
  return { KeyMetadata: keyMetadata(kms, key) };
};

export const DescribeKey: Operation = async (kms, input, caller) => {
  input.stringList("GrantTokens", { max: 10 });
  const key = describedKey(kms, input, caller, "DescribeKey", true);
  return { KeyMetadata: keyMetadata(kms, key) };
};

export const ListKeys: Operation = async (kms, input) => {
  const limit = input.integer("Limit", { min: 1, max: 1000 }) ?? 100;
  const marker = input.string("Marker", { min: 1, max: 1024, pattern: /^[\u0020-\u00FF]*$/ });
  const ids = kms.keyIds().sort();
  let start = 0;
  if (marker !== undefined) {
    const after = Buffer.from(marker, "base64url").toString("utf8");
    if (!/^[0-9a-f-]{36}$/.test(after)) throw new InvalidMarkerException("Invalid marker");
    start = ids.findIndex((id) => id > after);
    if (start < 0) start = ids.length;
  }
  const page = ids.slice(start, start + limit);
  const truncated = start + limit < ids.length;
  return {
    Keys: page.map((id) => ({ KeyId: id, KeyArn: kms.keyArn(id) })),
    NextMarker: truncated ? Buffer.from(page[page.length - 1]).toString("base64url") : undefined,
    Truncated: truncated,
  };
};

export const UpdateKeyDescription: Operation = async (kms, input, caller) => {
  const description = input.string("Description", { required: true, min: 0, max: 8192 });
  const key = describedKey(kms, input, caller, "UpdateKeyDescription");
  if (key.record.state === "PendingDeletion") throw new KMSInvalidStateException(`${kms.keyArn(key.record.keyId)} is pending deletion.`);
  key.record.description = description;
  await kms.store.putKey(key);
  return {};
};

function setEnabled(enabled: boolean): Operation {
  return async (kms, input, caller) => {
    const key = describedKey(kms, input, caller, enabled ? "EnableKey" : "DisableKey");
    if (key.record.state === "PendingDeletion") throw new KMSInvalidStateException(`${kms.keyArn(key.record.keyId)} is pending deletion.`);
    key.record.state = enabled ? "Enabled" : "Disabled";
    await kms.store.putKey(key);
    return {};
  };
}
export const EnableKey = setEnabled(true);
export const DisableKey = setEnabled(false);

export const ScheduleKeyDeletion: Operation = async (kms, input, caller) => {
  const days = input.integer("PendingWindowInDays", { min: 7, max: 30 }) ?? 30;
  const key = describedKey(kms, input, caller, "ScheduleKeyDeletion");
  const arn = kms.keyArn(key.record.keyId);
  if (key.record.state === "PendingDeletion") throw new KMSInvalidStateException(`${arn} is pending deletion.`);
  kms.dryRun(input);
  key.record.state = "PendingDeletion";
  key.record.pendingWindowInDays = days;
  key.record.deletionDate = Date.now() + days * 86_400_000;
  await kms.store.putKey(key);
  return { KeyId: arn, DeletionDate: epochSeconds(key.record.deletionDate), KeyState: "PendingDeletion", PendingWindowInDays: days };
};

export const CancelKeyDeletion: Operation = async (kms, input, caller) => {
  const key = describedKey(kms, input, caller, "CancelKeyDeletion");
  const arn = kms.keyArn(key.record.keyId);
  if (key.record.state !== "PendingDeletion") throw new KMSInvalidStateException(`${arn} is not pending deletion.`);
  // As in KMS, a key whose deletion is cancelled comes back disabled.
  key.record.state = "Disabled";
  delete key.record.deletionDate;
  delete key.record.pendingWindowInDays;
  await kms.store.putKey(key);
  return { KeyId: arn };
};

const policyName = (input: Input) => {
  const name = input.string("PolicyName", { min: 1, max: 128, pattern: /^[\w]+$/ }) ?? "default";
  if (name !== "default") throw new NotFoundException("No such policy exists");
  return name;
};

export const GetKeyPolicy: Operation = async (kms, input, caller) => {
  const name = policyName(input);
  const key = describedKey(kms, input, caller, "GetKeyPolicy");
  return { Policy: key.record.policy, PolicyName: name };
};

export const PutKeyPolicy: Operation = async (kms, input, caller) => {
  policyName(input);
  const policy = input.string("Policy", { ...POLICY_RULE, required: true });
  const bypass = input.boolean("BypassPolicyLockoutSafetyCheck");
  const key = describedKey(kms, input, caller, "PutKeyPolicy");
  if (key.record.state === "PendingDeletion") throw new KMSInvalidStateException(`${kms.keyArn(key.record.keyId)} is pending deletion.`);
  checkLockout(kms, key.record.keyId, policy, caller, bypass);
  key.record.policy = policy;
  await kms.store.putKey(key);
  return {};
};
