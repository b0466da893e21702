// The certificate path of an attestation document: cabundle[0] must be a trusted root (compared
// byte for byte), then each certificate must be issued and signed by the one before it, ending with
// the signing certificate. CAs need basicConstraints cA with keyCertSign and a pathLen that allows
// the rest of the path; the leaf must not be a CA, must allow digitalSignature and hold a P-384 key.
//
// A verified (certificate, issuer) signature is remembered by the exact DER bytes of both, so a
// second document from the same enclave skips those ECDSA checks. Validity periods, constraints and
// trust are checked on every call, against that call's time and roots.
import { type KeyObject } from "node:crypto";
import { CertificateChainError, CertificateValidityError, UntrustedRootError } from "../errors.js";
import { KEY_USAGE_DIGITAL_SIGNATURE, KEY_USAGE_KEY_CERT_SIGN, certificateInfo, derKey, type CertificateInfo } from "./certificate.js";

const LINK_CACHE_LIMIT = 1024;
const verifiedLinks = new Set<string>();

export function clearLinkCache(): void {
  verifiedLinks.clear();
}

/**
 * Checks the path root -> ... -> leaf and returns the leaf's public key. Validity is checked last
 * (see checkValidity) so that a document with a broken chain says so even when it has also expired.
 */
export function verifyChain(cabundle: Uint8Array[], certificate: Uint8Array, trustedRoots: readonly Uint8Array[]): { leafKey: KeyObject; path: CertificateInfo[] } {
  const root = cabundle[0];
  if (!trustedRoots.some((trusted) => trusted.length === root.length && Buffer.compare(trusted, root) === 0)) throw new UntrustedRootError();

  const ders = [...cabundle, certificate];
  const keys = ders.map(derKey);
  const path = ders.map((der, i) => certificateInfo(der, keys[i], label(i, ders.length)));
  const leafIndex = path.length - 1;

  for (let i = 0; i < path.length; i++) {
    const cert = path[i];
    if (cert.unknownCriticalExtension !== undefined) throw new CertificateChainError(`${label(i, path.length)} has a critical extension this verifier does not process (${cert.unknownCriticalExtension})`);
    if (i === leafIndex) continue;
    if (!cert.ca) throw new CertificateChainError(`${label(i, path.length)} is not a CA (basicConstraints cA is not set)`);
    if (cert.keyUsage === undefined || !(cert.keyUsage & KEY_USAGE_KEY_CERT_SIGN)) throw new CertificateChainError(`${label(i, path.length)} does not allow keyCertSign`);
    // CA certificates that may follow this one: every CA after it, up to the leaf.
    const followingCAs = leafIndex - 1 - i;
    if (cert.pathLen !== undefined && followingCAs > cert.pathLen) throw new CertificateChainError(`${label(i, path.length)} allows ${cert.pathLen} CA certificate(s) after it, the path has ${followingCAs}`);
  }

  const leaf = path[leafIndex];
  if (leaf.ca) throw new CertificateChainError("the signing certificate is a CA certificate");
  if (leaf.keyUsage === undefined || !(leaf.keyUsage & KEY_USAGE_DIGITAL_SIGNATURE)) throw new CertificateChainError("the signing certificate does not allow digitalSignature");
  const details = leaf.publicKey.asymmetricKeyDetails;
  if (leaf.publicKey.asymmetricKeyType !== "ec" || details?.namedCurve !== "secp384r1") throw new CertificateChainError("the signing certificate's key is not an ECDSA P-384 key");

  for (let i = 1; i < path.length; i++) {
    const link = `${keys[i].length}:${keys[i]}${keys[i - 1]}`;
    if (verifiedLinks.has(link)) continue;
    const child = path[i].x509;
    const issuer = path[i - 1];
    if (!child.checkIssued(issuer.x509)) throw new CertificateChainError(`${label(i, path.length)} was not issued by ${label(i - 1, path.length)} (names or key identifiers differ)`);
    let signed = false;
    try {
      signed = child.verify(issuer.publicKey);
    } catch {
      signed = false;
    }
    if (!signed) throw new CertificateChainError(`${label(i, path.length)} is not signed by ${label(i - 1, path.length)}`);
    if (verifiedLinks.size >= LINK_CACHE_LIMIT) verifiedLinks.delete(verifiedLinks.values().next().value as string);
    verifiedLinks.add(link);
  }
  return { leafKey: leaf.publicKey, path };
}

/**
 * Every certificate of the path must be valid at `at` (ms since the epoch), the root included.
 * Returns the window in which the whole path is valid: the latest notBefore and the earliest notAfter.
 */
export function checkValidity(path: CertificateInfo[], at: number): { notBefore: number; notAfter: number } {
  let windowStart = -Infinity;
  let windowEnd = Infinity;
  for (let i = 0; i < path.length; i++) {
    const { notBefore, notAfter } = path[i];
    if (at < notBefore || at > notAfter) {
      const when = at < notBefore ? "not yet valid" : "expired";
      throw new CertificateValidityError(
        `${label(i, path.length)} is ${when} at ${new Date(at).toISOString()} (valid ${new Date(notBefore).toISOString()} to ${new Date(notAfter).toISOString()})`,
        new Date(at),
        new Date(notBefore),
        new Date(notAfter),
      );
    }
    windowStart = Math.max(windowStart, notBefore);
    windowEnd = Math.min(windowEnd, notAfter);
  }
  return { notBefore: windowStart, notAfter: windowEnd };
}

function label(i: number, length: number): string {
  if (i === length - 1) return "the signing certificate";
  return i === 0 ? "the root certificate (cabundle[0])" : `cabundle[${i}]`;
}
