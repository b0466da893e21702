// The attestation verifier kms-local uses by default: the nsm package's verifyAttestation, trusting the
// configured roots (typically the simulated NSM's) and, unless turned off, the AWS Nitro root G1.
// Debug-mode documents (PCR0-2 all zero) are accepted, as KMS accepts them: they then fail any policy
// condition on a real image measurement.
import { AWS_NITRO_ROOT_G1_PEM, verifyAttestation } from "@nitro-enclaves-sdk/nsm";
import type { AttestationVerifier } from "./recipient.js";

/** A trusted root certificate: DER bytes or PEM text. */
export type TrustedRoot = Uint8Array | string;

export function nsmAttestationVerifier(trustedRoots: TrustedRoot[], trustAwsRoot: boolean): AttestationVerifier {
  // The PEM text, not the exported DER bytes: a string cannot be changed by other code in the process.
  const roots = trustAwsRoot ? [...trustedRoots, AWS_NITRO_ROOT_G1_PEM] : [...trustedRoots];
  return (document, at) => verifyAttestation(document, { trustedRoots: roots, at, allowDebug: true });
}
