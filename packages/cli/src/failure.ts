// What a failure that is not a CliError says on its one line: a KMS error as KMS's error type and message
// (as the AWS CLI prints them), outside an enclave that it is outside an enclave, a typed error of the nsm
// or enclave packages as its message (the cause's too when it adds to it), anything else as an unexpected
// failure. Loaded only when such a failure happens.
import { NitroEnclavesError, NsmNotInEnclaveError } from "@nitro-enclaves-sdk/nsm";

export const NOT_IN_ENCLAVE = "not running inside a Nitro Enclave: there is no /dev/nsm (--simulate runs the command on a simulated NSM)";

/** A KMS error as the SDK throws it: a ServiceException, named after KMS's error type. */
export function isKmsError(e: unknown): e is Error & { name: string } {
  return e instanceof Error && typeof (e as { $metadata?: unknown }).$metadata === "object" && typeof (e as { $fault?: unknown }).$fault === "string";
}

const causes = function* (e: unknown) {
  for (let depth = 0; e instanceof Error && depth < 8; depth++, e = e.cause) yield e;
};

/** A node system error (ECONNREFUSED, ENOENT...): its message names the operation and the errno. */
const isSystemError = (e: unknown): e is NodeJS.ErrnoException => e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!);

export function describeFailure(e: unknown): string {
  for (const c of causes(e)) if (c instanceof NsmNotInEnclaveError) return NOT_IN_ENCLAVE;
  if (isKmsError(e)) return `${e.name}: ${e.message}`;
  if (e instanceof NitroEnclavesError) {
    const cause = e.cause;
    const more = cause instanceof NitroEnclavesError || isKmsError(cause) || isSystemError(cause) ? describeFailure(cause) : "";
    return more && !e.message.includes(more) ? `${e.message}: ${more}` : e.message;
  }
  if (isSystemError(e)) return e.message;
  // The SDK's own: no credentials from any source, a request that timed out.
  if (e instanceof Error && (e.name === "CredentialsProviderError" || e.name === "TimeoutError")) return e.message;
  return `unexpected failure: ${e instanceof Error ? e.message : String(e)}`;
}
