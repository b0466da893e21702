// Credentials that are fetched again before they expire, not after: the same credentials are handed out
// until `marginMs` before their expiration, then the source is asked again (once, however many calls
// wait). If asking fails while the current ones are still valid, those are handed out and the source is
// asked again on the next call; once they have expired, the failure is the caller's.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { copyCredentials } from "./credential-json.js";

/** 5 minutes, as the AWS SDKs refresh theirs. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

export function refreshBeforeExpiry(source: AwsCredentialIdentityProvider, marginMs = DEFAULT_REFRESH_MARGIN_MS, now: () => number = Date.now): AwsCredentialIdentityProvider {
  let current: AwsCredentialIdentity | undefined;
  let refreshing: Promise<AwsCredentialIdentity> | undefined;
  const expiresAt = (c: AwsCredentialIdentity) => c.expiration?.getTime() ?? Infinity;
  return async () => {
    if (current && now() < expiresAt(current) - marginMs) return copyCredentials(current);
    refreshing ??= Promise.resolve()
      .then(() => source())
      .then((fresh) => (current = copyCredentials(fresh)))
      .finally(() => {
        refreshing = undefined;
      });
    try {
      return copyCredentials(await refreshing);
    } catch (error) {
      if (current && now() < expiresAt(current)) return copyCredentials(current);
      throw error;
    }
  };
}
