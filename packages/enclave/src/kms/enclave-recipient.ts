// enclaveRecipient(handle): a middleware plugin that makes any KMS client (the official @aws-sdk/client-kms,
// @nitro-enclaves-sdk/client-kms, or a library's own) call KMS as an attested enclave, so that unmodified
// code, the AWS Encryption SDK's KMS keyrings among it, works inside an enclave:
//   client.middlewareStack.use(enclaveRecipient(handle));
// On Decrypt, GenerateDataKey, GenerateDataKeyPair, GenerateRandom and DeriveSharedSecret sent without a
// `Recipient` it attaches the handle's, and answers with the plaintext the caller would get outside an
// enclave (see attested-response.ts). A caller's own `Recipient` is left alone, and so is its response.
//
// Failures are fail-stop: a document that took part in a failed call (KMS refused it, the response was
// refused, or decryption failed) is not sent again. When the handle says the ciphertext was made for a key
// it has since retired (ENCLAVE_KEY_RETIRED: it rotates its key after a decryption failure), the call is
// sent once more with a fresh document for the new key; after any other failure it is not, so that nobody
// relaying the traffic gets a second decryption attempt to learn from.
import type { HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, InitializeHandlerOutput, InitializeHandlerOptions, Pluggable } from "@smithy/types";
import { EnclaveOptionsError, RecipientDecryptionError } from "../errors.js";
import { ownProperty } from "../own-property.js";
import { attestedOperationOf, type AttestedOperation } from "./attested-operations.js";
import { openAttestedResponse } from "./attested-response.js";
import { checkOptions, type EnclaveRecipientOptions } from "./options.js";
import { RecipientCache, type RecipientHandle } from "./recipient-cache.js";

/** The middleware's name in the stack, for placing other middleware relative to it. */
export const ENCLAVE_RECIPIENT_MIDDLEWARE = "enclaveRecipientMiddleware";

/** The code of the nsm package's KeyRetiredError: the ciphertext was made for a key the handle has retired. */
const KEY_RETIRED = "ENCLAVE_KEY_RETIRED";

const MIDDLEWARE_OPTIONS: InitializeHandlerOptions & { name: string; override: boolean } = {
  step: "initialize",
  name: ENCLAVE_RECIPIENT_MIDDLEWARE,
  tags: ["NITRO_ENCLAVES", "KMS_RECIPIENT"],
  override: true, // one enclave identity per stack: applying it again replaces the earlier one
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyPluggable = Pluggable<any, any>;
type Input = Record<string, unknown>;
type Output = object;

/**
 * A plugin (a smithy `Pluggable`) for a KMS client's or a command's `middlewareStack.use()`. `handle` is
 * the enclave's key holder (an `EnclaveHandle` of @nitro-enclaves-sdk/nsm); the plugin keeps one reusable
 * attestation document, shared by every stack it is applied to.
 */
export function enclaveRecipient(handle: RecipientHandle, options?: EnclaveRecipientOptions): AnyPluggable {
  if (typeof handle !== "object" || handle === null || typeof handle.recipient !== "function" || typeof handle.decryptKMSEnvelopedKey !== "function") {
    throw new EnclaveOptionsError("enclaveRecipient needs an enclave handle with recipient() and decryptKMSEnvelopedKey() (an EnclaveHandle)");
  }
  const { attestationReuseMs } = checkOptions(options);
  const recipients = new RecipientCache(handle, attestationReuseMs);

  const middleware =
    (next: InitializeHandler<Input, Output>, context: HandlerExecutionContext): InitializeHandler<Input, Output> =>
    async (args) => {
      const operation = attestedOperationOf(context);
      const callersRecipient = ownProperty(args.input, "Recipient");
      if (operation === undefined || (callersRecipient !== undefined && callersRecipient !== null)) return next(args);
      return sendAttested(next, args, operation, recipients, handle);
    };

  return { applyToStack: (stack) => stack.add(middleware, MIDDLEWARE_OPTIONS) };
}

async function sendAttested(
  next: InitializeHandler<Input, Output>,
  args: InitializeHandlerArguments<Input>,
  operation: AttestedOperation,
  recipients: RecipientCache,
  handle: RecipientHandle,
): Promise<InitializeHandlerOutput<Output>> {
  let lease = await recipients.get();
  for (let retried = false; ; retried = true) {
    try {
      const result = await next({ ...args, input: { ...args.input, Recipient: lease.recipient() } });
      return { ...result, output: await openAttestedResponse(result.output, operation, handle) };
    } catch (error) {
      recipients.drop(lease); // a document that took part in a failed call is not sent again
      if (retried || !(error instanceof RecipientDecryptionError) || !isKeyRetired(error.cause)) throw error;
      lease = await recipients.refresh();
    }
  }
}

const isKeyRetired = (error: unknown) => typeof error === "object" && error !== null && (error as { code?: unknown }).code === KEY_RETIRED;
