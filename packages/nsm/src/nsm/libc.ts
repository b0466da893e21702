// The three libc calls the device transport needs, made through ffi-rs. ffi-rs is loaded on first use
// so that importing this package never loads a native addon (verifiers and the simulator run anywhere).
//
// ffi-rs aborts the process on some argument type mismatches, so every value is checked here before
// it is handed over. Memory is never described to ffi-rs as a struct: the ioctl argument lives in an
// ArrayBuffer we own and is passed as a plain address (ffi-rs's struct types copy, which loses the
// kernel's write-back).
import { NsmArgumentError, NsmFfiUnavailableError } from "../errors.js";

type Ffi = typeof import("ffi-rs");

const LIBRARY = "nitro-enclaves-sdk:libc";
let loading: Promise<Ffi> | undefined;

function loadFfi(): Promise<Ffi> {
  loading ??= import("ffi-rs")
    .then((mod) => {
      const ffi = ((mod as { default?: Ffi }).default ?? mod) as Ffi;
      // An empty path opens the process itself, whose libc is already loaded (glibc or musl alike).
      ffi.open({ library: LIBRARY, path: "" });
      return ffi;
    })
    .catch((cause: unknown) => {
      loading = undefined;
      throw new NsmFfiUnavailableError("cannot load ffi-rs to reach the NSM device", "ENOSYS", undefined, { cause });
    });
  return loading;
}

function checkInteger(name: string, value: unknown, min: number, max: number): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new NsmArgumentError(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
}

export interface Libc {
  /** The address of the first byte of `buffer`'s memory. */
  addressOf(buffer: Buffer): number;
  /** ioctl(fd, request, address) on a new thread; resolves with the return value and the errno read right after. */
  ioctl(fd: number, request: number, address: number): Promise<{ value: number; errno: number }>;
}

export async function libc(): Promise<Libc> {
  const ffi = await loadFfi();
  const { DataType } = ffi;
  return {
    addressOf(buffer: Buffer): number {
      if (!Buffer.isBuffer(buffer) || buffer.length === 0) throw new NsmArgumentError("addressOf needs a non-empty Buffer");
      // memcpy(dst, src, 0) copies nothing and returns dst: the address ffi-rs passed for the buffer.
      const address = ffi.load({
        library: LIBRARY,
        funcName: "memcpy",
        retType: DataType.U64,
        paramsType: [DataType.U8Array, DataType.U8Array, DataType.U64],
        paramsValue: [buffer, buffer, 0],
      }) as unknown;
      checkInteger("buffer address", address, 1, Number.MAX_SAFE_INTEGER);
      // Prove that the address is the buffer's own memory and not a copy: change a byte from JS and
      // read it back through the address.
      const probe = Buffer.alloc(1);
      for (const value of [0x5a, 0xa5]) {
        buffer[0] = value;
        probe[0] = value;
        const same = ffi.load({
          library: LIBRARY,
          funcName: "memcmp",
          retType: DataType.I32,
          paramsType: [DataType.U64, DataType.U8Array, DataType.U64],
          paramsValue: [address, probe, 1],
        });
        if (same !== 0) throw new NsmFfiUnavailableError("ffi-rs did not pass the buffer by reference", "EFAULT");
      }
      buffer[0] = 0;
      return address;
    },
    async ioctl(fd, request, address) {
      checkInteger("fd", fd, 0, 0x7fffffff);
      checkInteger("ioctl request", request, 0, 0xffffffff);
      checkInteger("ioctl argument address", address, 1, Number.MAX_SAFE_INTEGER);
      // runInNewThread keeps the event loop free while the NSM works; ffi-rs reads errno on that
      // thread immediately after the call returns.
      const result = (await ffi.load({
        library: LIBRARY,
        funcName: "ioctl",
        retType: DataType.I32,
        paramsType: [DataType.I32, DataType.U64, DataType.U64],
        paramsValue: [fd, request, address],
        errno: true,
        runInNewThread: true,
      })) as unknown as { value: number; errnoCode: number };
      return { value: result.value, errno: result.errnoCode };
    },
  };
}
