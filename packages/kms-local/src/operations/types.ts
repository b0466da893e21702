import type { Input } from "../input.js";
import type { Caller, Kms } from "../kms.js";

/** One KMS operation: reads its input, acts, returns the JSON response body. */
export type Operation = (kms: Kms, input: Input, caller: Caller) => Promise<Record<string, unknown>>;

/** A KeyId member as the KMS model defines it. */
export const keyIdRule = { min: 1, max: 2048 } as const;
export const grantTokens = (input: Input) => input.stringList("GrantTokens", { max: 10, memberMax: 8192 });
