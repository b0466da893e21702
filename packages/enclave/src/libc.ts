// The libc calls this package makes (the vsock egress, its poller, the entropy seeding), from
// @nitro-enclaves-sdk/native; where ffi-rs cannot be loaded, an EgressError.
import { libc as nativeLibc, type Libc } from "@nitro-enclaves-sdk/native";
import { EgressError } from "./errors.js";

export async function libc(): Promise<Libc> {
  try {
    return await nativeLibc();
  } catch (cause) {
    throw new EgressError("cannot load ffi-rs to make socket and ioctl calls", { cause });
  }
}
