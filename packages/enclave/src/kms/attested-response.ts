// The answer to a call sent with our `Recipient`, turned into the answer an ordinary caller expects: the
// plaintext decrypted from `CiphertextForRecipient` in the operation's plaintext member, and
// `CiphertextForRecipient` removed, so nothing downstream sees both. Fails closed: a response without
// `CiphertextForRecipient`, or with a plaintext beside it, is refused, whoever relayed it.
import { MissingCiphertextForRecipientError, RecipientDecryptionError, UnexpectedPlaintextError } from "../errors.js";
import { ownProperty } from "../own-property.js";
import type { AttestedOperation } from "./attested-operations.js";
import type { RecipientHandle } from "./recipient-cache.js";

/**
 * With a Recipient, KMS's API reference says the plaintext member "is null or empty": absent, null or
 * zero bytes is what KMS sends; anything else did not come from KMS.
 */
const isEmpty = (value: unknown) => value === undefined || value === null || (value instanceof Uint8Array && value.length === 0);

export async function openAttestedResponse<Output extends object>(output: Output, operation: AttestedOperation, handle: RecipientHandle): Promise<Output> {
  if (!isEmpty(ownProperty(output, operation.plaintextMember))) throw new UnexpectedPlaintextError(operation.name, operation.plaintextMember);
  const ciphertext = ownProperty(output, "CiphertextForRecipient");
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length === 0) throw new MissingCiphertextForRecipientError(operation.name);

  let plaintext: Uint8Array;
  try {
    const opened: unknown = await handle.decryptKMSEnvelopedKey(ciphertext);
    if (!(opened instanceof Uint8Array)) throw new TypeError("decryptKMSEnvelopedKey did not return bytes");
    plaintext = new Uint8Array(opened); // a buffer of its own, not a slice of a shared pool
    opened.fill(0);
  } catch (cause) {
    throw new RecipientDecryptionError({ cause });
  }
  const answer: Record<string, unknown> = { ...(output as Record<string, unknown>) };
  delete answer.CiphertextForRecipient;
  answer[operation.plaintextMember] = plaintext;
  return answer as Output;
}
