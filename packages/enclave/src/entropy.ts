// seedEntropyFromNsm(): the kernel's entropy pool, fed from the NSM before any TLS. An enclave has no
// hardware entropy source of its own (no virtio-rng, no RDRAND it is told to trust), so right after boot its
// pool may not be initialized and getrandom() blocks or, through /dev/urandom, returns weak bytes; the C SDK
// (aws-nitro-enclaves-sdk-c, aws_nitro_enclaves_library_seed_entropy) therefore feeds NSM GetRandom output
// to the kernel before its first TLS handshake. As it does: the RNDADDENTROPY ioctl on /dev/random, which
// adds the bytes and credits them as entropy (needs CAP_SYS_ADMIN); where that is not permitted, a plain
// write to /dev/random, which mixes the bytes in without credit.
//
// struct rand_pool_info { int entropy_count (bits); int buf_size (bytes); __u32 buf[]; }
// RNDADDENTROPY = _IOW('R', 0x03, int[2]) = 0x40085203.
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { errnoName, systemError } from "@nitro-enclaves-sdk/native";
import { DeviceTransport, NsmClient } from "@nitro-enclaves-sdk/nsm";
import { EnclaveOptionsError, EntropySeedError } from "./errors.js";
import { libc } from "./libc.js";
import { ownProperty } from "./own-property.js";

const RNDADDENTROPY = 0x40085203;
export const MAX_SEED_BYTES = 64 * 1024;

export interface SeedEntropyOptions {
  /** Where GetRandom goes; default an NsmClient on /dev/nsm (closed again afterwards). */
  nsm?: Pick<NsmClient, "getRandom">;
  /** The kernel's random device; default /dev/random. */
  randomDevice?: string;
}

export interface SeedEntropyResult {
  /** Bytes from the NSM given to the kernel. */
  bytes: number;
  /** true: added with RNDADDENTROPY and credited; false: written without credit (not permitted to credit). */
  credited: boolean;
}

export async function seedEntropyFromNsm(bytes = 1024, options: SeedEntropyOptions = {}): Promise<SeedEntropyResult> {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_SEED_BYTES) throw new EnclaveOptionsError(`bytes must be an integer from 1 to ${MAX_SEED_BYTES}`);
  const given = ownProperty(options, "nsm") as SeedEntropyOptions["nsm"];
  const device = (ownProperty(options, "randomDevice") as string | undefined) ?? "/dev/random";
  if (given !== undefined && typeof given?.getRandom !== "function") throw new EnclaveOptionsError("options.nsm must have getRandom() (an NsmClient)");
  if (typeof device !== "string" || device.length === 0 || device.includes("\0")) throw new EnclaveOptionsError("options.randomDevice must be a path");

  // [entropy_count | buf_size | buf]: the NSM's bytes go straight into the ioctl's argument.
  const info = Buffer.alloc(8 + bytes);
  const own = given === undefined ? new NsmClient(new DeviceTransport()) : undefined;
  const nsm = given ?? own!;
  try {
    for (let filled = 0; filled < bytes; ) {
      let chunk: Uint8Array;
      try {
        chunk = await nsm.getRandom();
      } catch (cause) {
        throw new EntropySeedError("NSM GetRandom failed", { cause });
      }
      if (!(chunk instanceof Uint8Array) || chunk.length === 0) throw new EntropySeedError("NSM GetRandom answered no bytes");
      const n = Math.min(chunk.length, bytes - filled);
      info.set(chunk.subarray(0, n), 8 + filled);
      chunk.fill(0);
      filled += n;
    }
    info.writeInt32LE(bytes * 8, 0);
    info.writeInt32LE(bytes, 4);
    return { bytes, credited: await addToPool(device, info) };
  } finally {
    info.fill(0);
    own?.close();
  }
}

/** RNDADDENTROPY where permitted (true); else a plain write, without credit (false). */
async function addToPool(device: string, info: Buffer): Promise<boolean> {
  let fd: number;
  try {
    fd = openSync(device, constants.O_WRONLY);
  } catch (cause) {
    throw new EntropySeedError(`cannot open ${device}`, { cause });
  }
  try {
    const r = (await libc()).ioctl(fd, RNDADDENTROPY, info);
    if (r.value === 0) return true;
    const name = errnoName(r.errno);
    if (name !== "EPERM" && name !== "EACCES") throw new EntropySeedError(`RNDADDENTROPY on ${device} failed (${name})`, { cause: systemError(r.errno, "ioctl") });
    const data = info.subarray(8);
    for (let done = 0; done < data.length; ) {
      try {
        done += writeSync(fd, data, done);
      } catch (cause) {
        throw new EntropySeedError(`cannot write to ${device}`, { cause });
      }
    }
    return false;
  } finally {
    closeSync(fd);
  }
}
