// The KMS operations that take a `Recipient`, as data: for each, the output member that carries the
// plaintext an ordinary (unattested) caller receives, which KMS leaves null or empty when a Recipient is
// given and instead encrypts to the enclave's key in `CiphertextForRecipient`.
import type { HandlerExecutionContext } from "@smithy/types";

export type PlaintextMember = "Plaintext" | "PrivateKeyPlaintext" | "SharedSecret";

export interface AttestedOperation {
  /** The KMS operation name, e.g. "Decrypt". */
  name: string;
  plaintextMember: PlaintextMember;
}

const OPERATIONS: ReadonlyMap<string, AttestedOperation> = new Map(
  (
    [
      ["Decrypt", "Plaintext"],
      ["GenerateDataKey", "Plaintext"],
      ["GenerateRandom", "Plaintext"],
      ["GenerateDataKeyPair", "PrivateKeyPlaintext"], // PKCS#8 DER, as KMS returns it
      ["DeriveSharedSecret", "SharedSecret"],
    ] as const
  ).map(([name, plaintextMember]) => [`${name}Command`, Object.freeze({ name, plaintextMember })]),
);

/** The KMS client's name, as every generated KMS client (the official one and ours) reports it. */
const KMS_CLIENT_NAME = "KMSClient";

/**
 * The attested operation a middleware context belongs to, or undefined. Smithy's command builder sets
 * `clientName` and `commandName` (e.g. "KMSClient", "DecryptCommand") from the model for every command of
 * every generated client, the official and ours alike; they are the public, documented members of the
 * context, so the operation is named, never guessed from the input's shape.
 */
export function attestedOperationOf(context: HandlerExecutionContext): AttestedOperation | undefined {
  if (context.clientName !== KMS_CLIENT_NAME || typeof context.commandName !== "string") return undefined;
  return OPERATIONS.get(context.commandName);
}
