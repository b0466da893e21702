// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. The key policy of the key an alias points
// to (and, for UpdateAlias, of the key it is moved to) authorizes the change.
import { AlreadyExistsException, InvalidAliasNameException, NotFoundException, ValidationException } from "../errors.js";
import type { Input } from "../input.js";
import { epochSeconds, type Kms } from "../kms.js";
import type { StoredKey } from "../store.js";
import { keyIdRule, namedKey, page, pageRequest, requiredKeyId } from "./members.js";
import { operation } from "./operation.js";

function aliasName(input: Input): string {
  const name = input.string("AliasName", { required: true, min: 1, max: 256, pattern: /^[a-zA-Z0-9:/_-]+$/ });
  if (!name.startsWith("alias/") || name.length === "alias/".length) {
    throw new ValidationException('Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  }
  if (name.startsWith("alias/aws/")) throw new InvalidAliasNameException("Alias names that begin with alias/aws/ are reserved for AWS managed keys.");
  return name;
}

/** An alias's target: a key id or key ARN (not another alias), of a key not pending deletion. */
const target = { resolve: (kms: Kms, r: { target: string }) => kms.resolveKey(r.target, { aliases: false }), state: "not-pending-deletion" } as const;

/** The key an existing alias points to (an alias whose key is gone needs no key's permission). */
function currentTarget(kms: Kms, r: { name: string }): StoredKey | undefined {
  const alias = kms.store.aliases.get(r.name);
  if (!alias) throw new NotFoundException(`Alias ${kms.aliasArn(r.name)} is not found.`);
  return kms.store.keys.get(alias.targetKeyId);
}

const isSymmetric = (key: StoredKey) => key.record.keySpec === "SYMMETRIC_DEFAULT";

export const CreateAlias = operation({
  read: (input: Input) => ({ name: aliasName(input), target: requiredKeyId(input, "TargetKeyId") }),
  keys: [{ ...target, action: "CreateAlias" }],
  async act({ kms, request, keys }) {
    const now = Date.now();
    await kms.store.changeAlias(request.name, (current) => {
      if (current) throw new AlreadyExistsException(`An alias with the name ${kms.aliasArn(request.name)} already exists`);
      return { aliasName: request.name, targetKeyId: keys[0]!.record.keyId, creationDate: now, lastUpdatedDate: now };
    });
    return {};
  },
});

export const UpdateAlias = operation({
  read: (input: Input) => ({ name: aliasName(input), target: requiredKeyId(input, "TargetKeyId") }),
  keys: [
    { resolve: currentTarget, state: "any", action: "UpdateAlias" },
    { ...target, action: "UpdateAlias" },
  ],
  async act({ kms, request, keys: [current, next] }) {
    if (current && (isSymmetric(current) !== isSymmetric(next!) || current.record.keyUsage !== next!.record.keyUsage)) {
      throw new ValidationException("The alias must be associated with a key of the same type (symmetric or asymmetric) and key usage.");
    }
    await kms.store.changeAlias(request.name, (alias) => {
      if (!alias) throw new NotFoundException(`Alias ${kms.aliasArn(request.name)} is not found.`);
      return { ...alias, targetKeyId: next!.record.keyId, lastUpdatedDate: Date.now() };
    });
    return {};
  },
});

export const DeleteAlias = operation({
  read: (input: Input) => ({ name: aliasName(input) }),
  keys: [{ resolve: currentTarget, state: "any", action: "DeleteAlias" }],
  async act({ kms, request }) {
    await kms.store.changeAlias(request.name, (alias) => {
      if (!alias) throw new NotFoundException(`Alias ${kms.aliasArn(request.name)} is not found.`);
      return null;
    });
    return {};
  },
});

const optionalKey = namedKey(false);

export const ListAliases = operation({
  read: (input: Input) => ({ keyId: input.string("KeyId", keyIdRule), ...pageRequest(input) }),
  keys: [{ resolve: (kms, r) => (r.keyId === undefined ? undefined : optionalKey(kms, { keyId: r.keyId })), state: "any", action: "ListAliases" }],
  act({ kms, request, keys: [filter] }) {
    const all = [...kms.store.aliases.values()]
      .filter((a) => filter === undefined || a.targetKeyId === filter.record.keyId)
      .sort((a, b) => (a.aliasName < b.aliasName ? -1 : a.aliasName > b.aliasName ? 1 : 0));
    const { items, truncated, nextMarker } = page(all, (a) => a.aliasName, request, (after) => after.startsWith("alias/"));
    return {
      Aliases: items.map((a) => ({
        AliasName: a.aliasName,
        AliasArn: kms.aliasArn(a.aliasName),
        TargetKeyId: a.targetKeyId,
        CreationDate: epochSeconds(a.creationDate),
        LastUpdatedDate: epochSeconds(a.lastUpdatedDate),
      })),
      NextMarker: nextMarker,
      Truncated: truncated,
    };
  },
});
