// The AWS Nitro Enclaves root certificate (G1) for the commercial AWS partitions: CN=aws.nitro-enclaves,
// P-384, valid 2019-10-28 to 2049-10-28. It is the default trust anchor of verifyAttestation, pinned
// by the SHA-256 of its DER encoding (AWS also publishes 8cf60e2b...faff7c: that is the hash of the
// ZIP file the PEM ships in, not of the certificate).
//
// Verification reads a private copy. What the package exports is another copy (bytes can be written
// to) and the PEM text (a string, which cannot): writing into the exported bytes changes nothing
// that verifyAttestation trusts.
import { createHash } from "node:crypto";

export const AWS_NITRO_ROOT_G1_SHA256 = "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";

const AWS_NITRO_ROOT_G1_BASE64 =
  "MIICETCCAZagAwIBAgIRAPkxdWgbkK/hHUbMtOTn+FYwCgYIKoZIzj0EAwMwSTELMAkGA1UEBhMCVVMxDzANBgNVBAoMBkFtYXpv" +
  "bjEMMAoGA1UECwwDQVdTMRswGQYDVQQDDBJhd3Mubml0cm8tZW5jbGF2ZXMwHhcNMTkxMDI4MTMyODA1WhcNNDkxMDI4MTQyODA1" +
  "WjBJMQswCQYDVQQGEwJVUzEPMA0GA1UECgwGQW1hem9uMQwwCgYDVQQLDANBV1MxGzAZBgNVBAMMEmF3cy5uaXRyby1lbmNsYXZl" +
  "czB2MBAGByqGSM49AgEGBSuBBAAiA2IABPwCVOumCMHzaHDimtqQvkY4MpJzbolL//Zy2YlES1BR5TSksfbb48C8WBoyt7F2Bw7e" +
  "EtaaP+ohG2bnUs990d0JX28TcPQXCEPZ3BABIeTPYwEoCWZEh8l5YoQwTcU/9KNCMEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4E" +
  "FgQUkCW1DdkFR+eWw5b6cp3PmanfS5YwDgYDVR0PAQH/BAQDAgGGMAoGCCqGSM49BAMDA2kAMGYCMQCjfy+Rocm9Xue4YnwWmNJV" +
  "A44fA0P5W2OpYow9OYCVRaEevL8uO1XYru5xtMPWrfMCMQCi85sWBbJwKKXdS6BptQFuZbT73o/gBh1qUxl/nNr12UO8Yfwr6wPL" +
  "b+6NIwLz3/Y=";

/** The pinned root as verifyAttestation trusts it by default. Never handed out. */
export const AWS_NITRO_ROOT_G1: Uint8Array = (() => {
  const der = new Uint8Array(Buffer.from(AWS_NITRO_ROOT_G1_BASE64, "base64"));
  if (createHash("sha256").update(der).digest("hex") !== AWS_NITRO_ROOT_G1_SHA256) {
    throw new Error("the embedded AWS Nitro Enclaves root certificate does not match its pinned SHA-256: the package is corrupt");
  }
  return der;
})();

/** DER of the AWS Nitro Enclaves root G1: a copy, so writing into it changes nothing the package trusts. */
export const AWS_NITRO_ROOT_G1_DER: Buffer = Buffer.from(AWS_NITRO_ROOT_G1);

/** The AWS Nitro Enclaves root G1 as PEM text (immutable, unlike the DER bytes). */
export const AWS_NITRO_ROOT_G1_PEM: string = `-----BEGIN CERTIFICATE-----\n${AWS_NITRO_ROOT_G1_BASE64.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
