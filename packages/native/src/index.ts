// Public API of @nitro-enclaves-sdk/native. This file only re-exports; importing it loads no native addon.
export { libc, type Libc, type SyscallResult } from "./libc.js";
export * from "./constants.js";
export { errnoName, systemError, EAGAIN, EWOULDBLOCK, EINTR, EINPROGRESS, ETIMEDOUT, EBADF } from "./errno.js";
export { NativeError, FfiUnavailableError, NativeArgumentError } from "./errors.js";
