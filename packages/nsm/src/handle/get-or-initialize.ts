// The process-wide enclave handle, as in the Go SDK: one key pair per process. Concurrent callers
// share one initialisation; a failed initialisation is forgotten so that the next call tries again.
import { EnclaveHandleError } from "../errors.js";
import { checkHandleOptions, EnclaveHandle, type EnclaveHandleOptions } from "./enclave-handle.js";

let current: { promise: Promise<EnclaveHandle>; options: EnclaveHandleOptions } | undefined;

/**
 * The process's enclave handle, created on first call. Later calls may omit the options; passing
 * options that differ from the first call's is an error rather than a silently different handle.
 */
export function getOrInitializeHandle(options?: EnclaveHandleOptions): Promise<EnclaveHandle> {
  let checked: EnclaveHandleOptions;
  try {
    checked = checkHandleOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  if (current) {
    const first = current.options;
    // Only what this caller asked for counts: an option left out means "whatever the handle has".
    const askedBits = options?.rsaModulusBits !== undefined && checked.rsaModulusBits !== first.rsaModulusBits;
    const askedTransport = checked.transport !== undefined && checked.transport !== first.transport;
    if (askedBits || askedTransport) {
      return Promise.reject(new EnclaveHandleError("the process's enclave handle was already initialised with other options"));
    }
    return current.promise;
  }
  const promise = EnclaveHandle.create(checked);
  const entry = { promise, options: checked };
  current = entry;
  promise.catch(() => {
    if (current === entry) current = undefined;
  });
  return promise;
}
