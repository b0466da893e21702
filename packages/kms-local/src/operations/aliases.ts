// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.
import {
  AlreadyExistsException, InvalidAliasNameException, InvalidMarkerException, KMSInvalidStateException,
  NotFoundException, ValidationException,
} from "../errors.js";
import type { Input } from "../input.js";
import { epochSeconds, type Kms } from "../kms.js";
import { keyIdRule, type Operation } from "./types.js";

function aliasName(input: Input): string {
  const name = input.string("AliasName", { required: true, min: 1, max: 256, pattern: /^[a-zA-Z0-9:/_-]+$/ });
  if (!name.startsWith("alias/") || name.length === "alias/".length) {
    throw new ValidationException('Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  }
  if (name.startsWith("alias/aws/")) throw new InvalidAliasNameException("Alias names that begin with alias/aws/ are reserved for AWS managed keys.");
  return name;
}

/** An alias's target: a key id or key ARN (not another alias), of a key not pending deletion. */
function target(kms: Kms, input: Input) {
  const key = kms.resolveKey(input.string("TargetKeyId", { ...keyIdRule, required: true }), { aliases: false });
  if (key.record.state === "PendingDeletion") throw new KMSInvalidStateException(`${kms.keyArn(key.record.keyId)} is pending deletion.`);
  return key;
}

export const CreateAlias: Operation = async (kms, input, caller) => {
  const name = aliasName(input);
  const key = target(kms, input);
  kms.authorize(key, "CreateAlias", caller, kms.conditionContext(caller));
  if (kms.store.aliases.has(name)) throw new AlreadyExistsException(`An alias with the name ${kms.aliasArn(name)} already exists`);
  const now = Date.now();
  await kms.store.putAlias({ aliasName: name, targetKeyId: key.record.keyId, creationDate: now, lastUpdatedDate: now });
  return {};
};

export const UpdateAlias: Operation = async (kms, input, caller) => {
  const name = aliasName(input);
  const key = target(kms, input);
  const alias = kms.store.aliases.get(name);
  if (!alias) throw new NotFoundException(`Alias ${kms.aliasArn(name)} is not found.`);
  const current = kms.store.keys.get(alias.targetKeyId);
  if (current) {
    kms.authorize(current, "UpdateAlias", caller, kms.conditionContext(caller));
    const sameKind = (current.record.keySpec === "SYMMETRIC_DEFAULT") === (key.record.keySpec === "SYMMETRIC_DEFAULT");
    if (!sameKind || current.record.keyUsage !== key.record.keyUsage) {
      throw new ValidationException("The alias must be associated with a key of the same type (symmetric or asymmetric) and key usage.");
    }
  }
  kms.authorize(key, "UpdateAlias", caller, kms.conditionContext(caller));
  await kms.store.putAlias({ ...alias, targetKeyId: key.record.keyId, lastUpdatedDate: Date.now() });
  return {};
};

export const DeleteAlias: Operation = async (kms, input, caller) => {
  const name = aliasName(input);
  const alias = kms.store.aliases.get(name);
  if (!alias) throw new NotFoundException(`Alias ${kms.aliasArn(name)} is not found.`);
  const key = kms.store.keys.get(alias.targetKeyId);
  if (key) kms.authorize(key, "DeleteAlias", caller, kms.conditionContext(caller));
  await kms.store.removeAlias(name);
  return {};
};

export const ListAliases: Operation = async (kms, input, caller) => {
  const keyId = input.string("KeyId", keyIdRule);
  const limit = input.integer("Limit", { min: 1, max: 1000 }) ?? 100;
  const marker = input.string("Marker", { min: 1, max: 1024, pattern: /^[\u0020-\u00FF]*$/ });

  let filter: string | undefined;
  if (keyId !== undefined) {
    const key = kms.resolveKey(keyId, { aliases: false });
    kms.authorize(key, "ListAliases", caller, kms.conditionContext(caller));
    filter = key.record.keyId;
  }
  const all = [...kms.store.aliases.values()]
    .filter((a) => filter === undefined || a.targetKeyId === filter)
    .sort((a, b) => (a.aliasName < b.aliasName ? -1 : a.aliasName > b.aliasName ? 1 : 0));
  let start = 0;
  if (marker !== undefined) {
    const after = Buffer.from(marker, "base64url").toString("utf8");
    if (!after.startsWith("alias/")) throw new InvalidMarkerException("Invalid marker");
    start = all.findIndex((a) => a.aliasName > after);
    if (start < 0) start = all.length;
  }
  const page = all.slice(start, start + limit);
  const truncated = start + limit < all.length;
  return {
    Aliases: page.map((a) => ({
      AliasName: a.aliasName,
      AliasArn: kms.aliasArn(a.aliasName),
      TargetKeyId: a.targetKeyId,
      CreationDate: epochSeconds(a.creationDate),
      LastUpdatedDate: epochSeconds(a.lastUpdatedDate),
    })),
    NextMarker: truncated ? Buffer.from(page[page.length - 1].aliasName).toString("base64url") : undefined,
    Truncated: truncated,
  };
};
