// ffi-rs, loaded on first use, with the process's own libc opened once under one name. Nothing here runs when
// the package is imported: importing it (or a package that uses it) loads no native addon until a call needs one.
import { FfiUnavailableError } from "./errors.js";

export type Ffi = typeof import("ffi-rs");

/** The name ffi-rs knows the process's libc by. */
export const LIBC = "nitro-enclaves-sdk:libc";

let loading: Promise<Ffi> | undefined;

/** ffi-rs with libc open; an FfiUnavailableError where it cannot be loaded (the next call tries again). */
export function loadFfi(): Promise<Ffi> {
  loading ??= import("ffi-rs")
    .then((mod) => {
      const ffi = ((mod as { default?: Ffi }).default ?? mod) as Ffi;
      // An empty path opens the process itself, whose libc is already loaded (glibc or musl alike).
      ffi.open({ library: LIBC, path: "" });
      return ffi;
    })
    .catch((cause: unknown) => {
      loading = undefined;
      throw new FfiUnavailableError("cannot load ffi-rs to make system calls", { cause });
    });
  return loading;
}
