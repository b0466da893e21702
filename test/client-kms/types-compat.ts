// Type-level half of the differential test, checked by `pnpm typecheck` (tsc fails on any mismatch):
// for every command the official client exports, our command takes the same input type and gives the
// same output type (each assignable to the other), so code typed against @aws-sdk/client-kms compiles
// unchanged against ours. Driven by the official module's export names, not a hand list.
import type * as Official from "official-client-kms";
import type * as Ours from "@nitro-enclaves-sdk/client-kms";

type CommandName = Extract<keyof typeof Official, `${string}Command`>;
type InputOf<C> = C extends abstract new (...args: infer A) => unknown ? Exclude<A[0], undefined> : never;
type OutputOf<C> = C extends abstract new (...args: never[]) => infer R
  ? R extends { resolveMiddleware(...args: never[]): (...args: never[]) => Promise<{ output: infer O }> }
    ? O
    : never
  : never;
// Identity, not mere mutual assignability (under which any two all-optional shapes would pass).
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

type Check<K extends CommandName> = K extends keyof typeof Ours
  ? { input: Same<InputOf<(typeof Ours)[K]>, InputOf<(typeof Official)[K]>>; output: Same<OutputOf<(typeof Ours)[K]>, OutputOf<(typeof Official)[K]>> }
  : "missing from ours";

// Every command's entry must be { input: true; output: true }; tsc names the command that is not.
export const commandTypesMatch: { [K in CommandName]: Check<K> } = {} as { [K in CommandName]: { input: true; output: true } };

// And the check is not vacuous: a different command's types do not pass for Decrypt's.
export const distinguishes: Same<InputOf<typeof Ours.DecryptCommand>, InputOf<typeof Official.EncryptCommand>> = false;
// Nor empty: the extracted types are the real ones (never would match never).
export const realInput: InputOf<typeof Ours.DecryptCommand>["Recipient"] = { KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_256" };
export const realOutput: OutputOf<typeof Ours.DecryptCommand>["CiphertextForRecipient"] = new Uint8Array();
export const outputsDistinguish: Same<OutputOf<typeof Ours.DecryptCommand>, OutputOf<typeof Official.EncryptCommand>> = false;
