// Key lifecycle: CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, EnableKey, DisableKey,
// ScheduleKeyDeletion, CancelKeyDeletion, GetKeyPolicy, PutKeyPolicy.
import { randomUUID } from "node:crypto";
import { NotFoundException, UnsupportedOperationException, ValidationException } from "../errors.js";
import type { Input } from "../input.js";
import { generateMaterial } from "../key-generation.js";
import { KEY_SPECS, KEY_USAGES, MODEL_KEY_SPECS, SPEC_INFO, type KeySpec } from "../key-specs.js";
import { epochSeconds, type KeyStateRule } from "../kms.js";
import { defaultKeyPolicy } from "../policy.js";
import { StoredKey, type KeyRecord } from "../store.js";
import { keyMetadata } from "./key-metadata.js";
import { namedKey, page, pageRequest, requiredKeyId } from "./members.js";
import { operation, type Step } from "./operation.js";

const POLICY_RULE = { min: 1, max: 131072, pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ };
const key = namedKey(false);

/**
 * Changes the operation's key: the change is computed from the key's current record under the store's
 * one-change-at-a-time rule (the state is checked again there), written, and only then in effect.
 */
function changeKey<R>(step: Step<R>, state: KeyStateRule, change: (current: Readonly<KeyRecord>) => KeyRecord) {
  return step.kms.store.updateKey(step.keys[0]!, (current) => {
    step.kms.requireState(current, state);
    return change(current);
  });
}

export const CreateKey = operation({
  read(input: Input) {
    const policy = input.string("Policy", POLICY_RULE);
    const description = input.string("Description", { min: 0, max: 8192 }) ?? "";
    const usage = input.enumOf("KeyUsage", KEY_USAGES);
    const cmkSpec = input.enumOf("CustomerMasterKeySpec", MODEL_KEY_SPECS);
    const keySpec = input.enumOf("KeySpec", MODEL_KEY_SPECS);
    const origin = input.enumOf("Origin", ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"] as const);
    const customKeyStore = input.string("CustomKeyStoreId", { min: 1, max: 64 });
    const xksKeyId = input.string("XksKeyId", { min: 1, max: 128 });
    const bypass = input.boolean("BypassPolicyLockoutSafetyCheck") ?? false;
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
    const keyUsage = usage ?? "ENCRYPT_DECRYPT";
    if (!info.usages.includes(keyUsage)) {
      throw new ValidationException(`KeyUsage ${keyUsage} is not compatible with KeySpec ${spec}. Valid KeyUsage values for ${spec}: ${info.usages.join(", ")}.`);
    }
    return { keyId: randomUUID(), policy, description, keySpec: spec as KeySpec, keyUsage, bypass, tags };
  },
  keys: [],
  newPolicy: (r) => (r.policy === undefined ? undefined : { text: r.policy, keyId: r.keyId, key: r, bypass: r.bypass }),
  async act({ kms, request: r }) {
    const created = new StoredKey({
      keyId: r.keyId,
      creationDate: Date.now(),
      description: r.description,
      keyUsage: r.keyUsage,
      keySpec: r.keySpec,
      state: "Enabled",
      policy: r.policy ?? defaultKeyPolicy(kms.settings.account),
      tags: r.tags,
      material: await generateMaterial(r.keySpec),
    });
    await kms.store.addKey(created);
    return { KeyMetadata: keyMetadata(kms, created) };
  },
});

export const DescribeKey = operation({
  read: (input: Input) => ({ keyId: requiredKeyId(input), grantTokens: input.stringList("GrantTokens", { max: 10 }) }),
  keys: [{ resolve: namedKey(true), state: "any", action: "DescribeKey" }],
  act: ({ kms, keys }) => ({ KeyMetadata: keyMetadata(kms, keys[0]!) }),
});

const UUID_TEXT = /^[0-9a-f-]{36}$/;

/** No key policy applies to ListKeys (IAM alone decides, and kms-local has no IAM). */
export const ListKeys = operation({
  read: pageRequest,
  keys: [],
  act({ kms, request }) {
    const { items, truncated, nextMarker } = page(kms.keyIds().sort(), (id) => id, request, (after) => UUID_TEXT.test(after));
    return { Keys: items.map((id) => ({ KeyId: id, KeyArn: kms.keyArn(id) })), NextMarker: nextMarker, Truncated: truncated };
  },
});

export const UpdateKeyDescription = operation({
  read: (input: Input) => ({ description: input.string("Description", { required: true, min: 0, max: 8192 }), keyId: requiredKeyId(input) }),
  keys: [{ resolve: key, state: "not-pending-deletion", action: "UpdateKeyDescription" }],
  async act(step) {
    await changeKey(step, "not-pending-deletion", (current) => ({ ...current, description: step.request.description }));
    return {};
  },
});

const setEnabled = (enabled: boolean) => {
  const action = enabled ? "EnableKey" : "DisableKey";
  return operation({
    read: (input: Input) => ({ keyId: requiredKeyId(input) }),
    keys: [{ resolve: key, state: "not-pending-deletion", action }],
    async act(step) {
      await changeKey(step, "not-pending-deletion", (current) => ({ ...current, state: enabled ? "Enabled" : "Disabled" }));
      return {};
    },
  });
};
export const EnableKey = setEnabled(true);
export const DisableKey = setEnabled(false);

export const ScheduleKeyDeletion = operation({
  read: (input: Input) => ({ days: input.integer("PendingWindowInDays", { min: 7, max: 30 }) ?? 30, keyId: requiredKeyId(input) }),
  keys: [{ resolve: key, state: "not-pending-deletion", action: "ScheduleKeyDeletion" }],
  async act(step) {
    const { days } = step.request;
    const record = await changeKey(step, "not-pending-deletion", (current) => ({
      ...current, state: "PendingDeletion", pendingWindowInDays: days, deletionDate: Date.now() + days * 86_400_000,
    }));
    return { KeyId: step.kms.keyArn(record.keyId), DeletionDate: epochSeconds(record.deletionDate!), KeyState: "PendingDeletion", PendingWindowInDays: days };
  },
});

export const CancelKeyDeletion = operation({
  read: (input: Input) => ({ keyId: requiredKeyId(input) }),
  keys: [{ resolve: key, state: "pending-deletion", action: "CancelKeyDeletion" }],
  async act(step) {
    // As in KMS, a key whose deletion is cancelled comes back disabled.
    const record = await changeKey(step, "pending-deletion", ({ deletionDate: _d, pendingWindowInDays: _p, ...rest }) => ({ ...rest, state: "Disabled" }));
    return { KeyId: step.kms.keyArn(record.keyId) };
  },
});

function policyName(input: Input) {
  const name = input.string("PolicyName", { min: 1, max: 128, pattern: /^[\w]+$/ }) ?? "default";
  if (name !== "default") throw new NotFoundException("No such policy exists");
  return name;
}

export const GetKeyPolicy = operation({
  read: (input: Input) => ({ policyName: policyName(input), keyId: requiredKeyId(input) }),
  keys: [{ resolve: key, state: "any", action: "GetKeyPolicy" }],
  act: ({ request, keys }) => ({ Policy: keys[0]!.record.policy, PolicyName: request.policyName }),
});

export const PutKeyPolicy = operation({
  read: (input: Input) => ({
    policyName: policyName(input),
    policy: input.string("Policy", { ...POLICY_RULE, required: true }),
    bypass: input.boolean("BypassPolicyLockoutSafetyCheck") ?? false,
    keyId: requiredKeyId(input),
  }),
  keys: [{ resolve: key, state: "not-pending-deletion", action: "PutKeyPolicy" }],
  newPolicy: (r, keys) => ({ text: r.policy, keyId: keys[0]!.record.keyId, key: keys[0]!.record, bypass: r.bypass }),
  async act(step) {
    await changeKey(step, "not-pending-deletion", (current) => ({ ...current, policy: step.request.policy }));
    return {};
  },
});
