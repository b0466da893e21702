// Turns an OS error (from open(2) or ioctl(2) on the NSM device) into this package's typed errors.
import { constants } from "node:os";
import {
  NsmDeviceError,
  NsmMessageSizeError,
  NsmNotInEnclaveError,
  NsmNotNsmDeviceError,
  NsmPermissionDeniedError,
  NsmTimeoutError,
} from "../errors.js";

/** `operation` says what failed ("open /dev/nsm", "ioctl on /dev/nsm"). */
export function errnoError(operation: string, errno: string, errnoNumber?: number, cause?: unknown): NsmDeviceError {
  const n = errnoNumber === undefined ? (constants.errno as Record<string, number>)[errno] : Math.abs(errnoNumber);
  const options = cause === undefined ? undefined : { cause };
  switch (errno) {
    case "ENOENT":
    case "ENODEV":
    case "ENXIO":
      return new NsmNotInEnclaveError(`${operation}: ${errno}: no NSM device, this process is not running inside a Nitro Enclave`, errno, n, options);
    case "EACCES":
    case "EPERM":
      return new NsmPermissionDeniedError(`${operation}: ${errno}: permission denied`, errno, n, options);
    case "ENOTTY":
      return new NsmNotNsmDeviceError(`${operation}: ${errno}: the file does not answer the NSM ioctl, it is not an NSM device`, errno, n, options);
    case "EMSGSIZE":
      return new NsmMessageSizeError(`${operation}: ${errno}: the request or response does not fit the driver's buffers`, errno, n, options);
    case "ETIMEDOUT":
      return new NsmTimeoutError(`${operation}: ${errno}: the NSM did not answer in time`, errno, n, options);
    default:
      return new NsmDeviceError(`${operation}: ${errno}`, errno, n, options);
  }
}
