// The attestation verifier kms-local uses by default: the nsm package's verifyAttestation, trusting the
// configured roots (typically the simulated NSM's) and, unless turned off, the AWS Nitro root G1.
import * as nsm from "@nitro-enclaves-sdk/nsm";
import { KmsLocalConfigError } from "./errors.js";
import type { AttestationVerifier, VerifiedAttestation } from "./recipient.js";

/** A trusted root certificate: DER bytes or PEM text. */
export type TrustedRoot = Uint8Array | string;

interface NsmVerification {
  verifyAttestation(document: Uint8Array, options: { trustedRoots: TrustedRoot[]; at: Date }): VerifiedAttestation | Promise<VerifiedAttestation>;
  AWS_NITRO_ROOT_G1_DER?: Uint8Array;
}

export function nsmAttestationVerifier(trustedRoots: TrustedRoot[], trustAwsRoot: boolean): AttestationVerifier {
  const api = nsm as unknown as Partial<NsmVerification>;
  const roots = [...trustedRoots];
  if (trustAwsRoot && api.AWS_NITRO_ROOT_G1_DER) roots.push(api.AWS_NITRO_ROOT_G1_DER);
  return (document, at) => {
    if (typeof api.verifyAttestation !== "function") {
      throw new KmsLocalConfigError("this build of @nitro-enclaves-sdk/nsm has no verifyAttestation");
    }
    return api.verifyAttestation(document, { trustedRoots: roots, at });
  };
}
