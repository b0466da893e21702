// enclaveCredentials(): the standard order of credential sources for an enclave, from
// @aws-sdk/credential-providers' createCredentialChain: the environment (AWS_ACCESS_KEY_ID, ...), then the
// container endpoint, then IMDSv2 instance metadata, the last two through the egress (see their files for
// why not the SDK's own). The result is refreshed before it expires (refresh.ts). Credentials the parent
// hands in are not guessed at: pass fromParentStream() or fromParentFile() as `credentials` instead.
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { Egress } from "../egress/egress.js";
import { fromContainerEndpoint } from "./container.js";
import { fromInstanceMetadataV2 } from "./instance-metadata.js";
import { DEFAULT_REFRESH_MARGIN_MS, refreshBeforeExpiry } from "./refresh.js";

export interface EnclaveCredentialsOptions {
  egress: Egress;
  /** Fetch new credentials this long before the current ones expire (default 5 minutes). */
  refreshMarginMs?: number;
  /** Per request to instance metadata or the container endpoint (default 5 000 ms). */
  timeoutMs?: number;
}

export function enclaveCredentials({ egress, refreshMarginMs = DEFAULT_REFRESH_MARGIN_MS, timeoutMs }: EnclaveCredentialsOptions): AwsCredentialIdentityProvider {
  let chain: AwsCredentialIdentityProvider | undefined;
  return refreshBeforeExpiry(async (identityProperties) => {
    if (!chain) {
      // Loaded when first needed: a client given credentials never loads the providers.
      const { createCredentialChain, fromEnv } = await import("@aws-sdk/credential-providers");
      chain = createCredentialChain(fromEnv(), fromContainerEndpoint({ egress, timeoutMs }), fromInstanceMetadataV2({ egress, timeoutMs }));
    }
    return chain(identityProperties);
  }, refreshMarginMs);
}
