// TLS to KMS must end inside the enclave. KMS's answer is authentic only as far as the channel that brought
// it: whoever relays plain traffic, or terminates TLS on the enclave's behalf (a parent-side proxy that
// speaks TLS to KMS, a man in the middle that certificate checks would have caught), can read the request
// and forge the response (a Plaintext, a key id, an error that makes the enclave retry). These checks
// refuse what would put the TLS anywhere but this process, unless the caller opts out by name.
import { TlsOutsideEnclaveError } from "./errors.js";

/** Throws unless a request to `protocol` would run TLS in this process with certificate checks on. */
export function checkTlsInProcess(protocol: string, allowTlsOutsideEnclave: boolean): void {
  if (allowTlsOutsideEnclave) return;
  if (protocol !== "https:") throw new TlsOutsideEnclaveError(`refusing a KMS endpoint over ${protocol.replace(/:$/, "")}, not https`);
  // Node reads it for every connection: "0" turns certificate verification off process-wide.
  if (process.env.NODE_TLS_REJECT_UNAUTHORIZED === "0") {
    throw new TlsOutsideEnclaveError("refusing to call KMS with TLS certificate verification turned off (NODE_TLS_REJECT_UNAUTHORIZED=0)");
  }
}
