// Members many operations share, read as the KMS model defines them, and the key they name.
import { InvalidMarkerException } from "../errors.js";
import type { Input } from "../input.js";
import type { Kms } from "../kms.js";

/** A KeyId member as the KMS model defines it. */
export const keyIdRule = { min: 1, max: 2048 } as const;

export const requiredKeyId = (input: Input, name = "KeyId") => input.string(name, { ...keyIdRule, required: true });
export const grantTokens = (input: Input) => input.stringList("GrantTokens", { max: 10, memberMax: 8192 });
export const encryptionContext = (input: Input, name = "EncryptionContext") => input.stringMap(name);

/** The key a request's keyId names; key ids and ARNs always, alias names and ARNs where the operation takes them. */
export const namedKey = (aliases: boolean) => (kms: Kms, request: { keyId: string }) => kms.resolveKey(request.keyId, { aliases });

export interface PageRequest {
  limit: number;
  marker: string | undefined;
}

/** Limit and Marker of ListKeys and ListAliases. */
export const pageRequest = (input: Input): PageRequest => ({
  limit: input.integer("Limit", { min: 1, max: 1000 }) ?? 100,
  marker: input.string("Marker", { min: 1, max: 1024, pattern: /^[\u0020-\u00FF]*$/ }),
});

/**
 * The page of `all` (sorted by `id`) after the request's Marker, which names the last id of the previous
 * page; NextMarker names the last id of this one.
 */
export function page<T>(all: T[], id: (item: T) => string, request: PageRequest, validMarker: (after: string) => boolean) {
  let start = 0;
  if (request.marker !== undefined) {
    const after = Buffer.from(request.marker, "base64url").toString("utf8");
    if (!validMarker(after)) throw new InvalidMarkerException("Invalid marker");
    start = all.findIndex((item) => id(item) > after);
    if (start < 0) start = all.length;
  }
  const items = all.slice(start, start + request.limit);
  const truncated = start + request.limit < all.length;
  return { items, truncated, nextMarker: truncated ? Buffer.from(id(items[items.length - 1])).toString("base64url") : undefined };
}
