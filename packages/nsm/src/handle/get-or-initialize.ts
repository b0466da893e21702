// The process-wide enclave handle, as in the Go SDK: one handle per process. Concurrent callers
// share one initialisation; a failed initialisation is forgotten so that the next call tries again.
import { EnclaveHandleError } from "../errors.js";
import { checkHandleOptions, EnclaveHandle, type EnclaveHandleOptions } from "./enclave-handle.js";

let current: { promise: Promise<EnclaveHandle>; options: ReturnType<typeof checkHandleOptions>["resolved"] } | undefined;

/**
 * The process's enclave handle, created on first call. Later calls may omit the options; passing
 * options that differ from the first call's is an error rather than a silently different handle.
 */
export function getOrInitializeHandle(options?: EnclaveHandleOptions): Promise<EnclaveHandle> {
  let checked: ReturnType<typeof checkHandleOptions>;
  try {
    checked = checkHandleOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  if (current) {
    const first = current.options;
    // Only what this caller asked for counts: an option left out means "whatever the handle has".
    const differs = (Object.keys(checked.given) as Array<keyof typeof first>).some((name) => checked.given[name] !== undefined && checked.given[name] !== first[name]);
    if (differs) return Promise.reject(new EnclaveHandleError("the process's enclave handle was already initialised with other options"));
    return current.promise;
  }
  const promise = EnclaveHandle.create(checked.resolved);
  const entry = { promise, options: checked.resolved };
  current = entry;
  promise.catch(() => {
    if (current === entry) current = undefined;
  });
  return promise;
}
