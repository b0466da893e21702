// Instance role credentials from EC2 instance metadata, IMDSv2 only, through the egress (from inside an
// enclave, 169.254.169.254 is reached through the parent's proxy). The AWS SDK's own provider cannot be
// used there: it makes its requests with node:http and no agent, so it would always connect directly, and
// it falls back to token-less IMDSv1 when the token request fails. Here: PUT /latest/api/token, then the
// role name and its credentials with that token; no fallback.
// The endpoint is AWS_EC2_METADATA_SERVICE_ENDPOINT, else 169.254.169.254 (fd00:ec2::254 with
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6); AWS_EC2_METADATA_DISABLED=true turns the source off.
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { CredentialsError } from "../errors.js";
import type { Egress } from "../egress/egress.js";
import { credentialsFrom, metadataRequest } from "./metadata-request.js";

const TOKEN_TTL_SECONDS = "21600";
const CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";

export interface InstanceMetadataOptions {
  egress: Egress;
  /** Per request; default 5 000 ms (the proxy adds a hop to the metadata service's usual 1 s). */
  timeoutMs?: number;
}

export function fromInstanceMetadataV2({ egress, timeoutMs = 5_000 }: InstanceMetadataOptions): AwsCredentialIdentityProvider {
  return async () => {
    if (process.env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true") {
      throw new CredentialsError("instance metadata is disabled (AWS_EC2_METADATA_DISABLED)", { tryNextLink: true });
    }
    const base = metadataEndpoint();
    const what = "instance metadata (IMDSv2)";
    const token = await metadataRequest(egress, new URL("/latest/api/token", base), {
      method: "PUT",
      headers: { "x-aws-ec2-metadata-token-ttl-seconds": TOKEN_TTL_SECONDS },
      timeoutMs,
      what,
    });
    if (token.status !== 200 || token.body.length === 0) throw new CredentialsError(`${what}: the token request was answered ${token.status}`);
    const headers = { "x-aws-ec2-metadata-token": token.body };
    const roles = await metadataRequest(egress, new URL(CREDENTIALS_PATH, base), { method: "GET", headers, timeoutMs, what });
    const role = roles.body.split("\n")[0]?.trim() ?? "";
    if (roles.status !== 200 || !/^[\w+=,.@-]{1,128}$/.test(role)) throw new CredentialsError(`${what}: no instance role (${roles.status})`);
    return credentialsFrom(await metadataRequest(egress, new URL(CREDENTIALS_PATH + role, base), { method: "GET", headers, timeoutMs, what }), what);
  };
}

function metadataEndpoint(): URL {
  const configured = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
  const text = configured || (process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE?.toLowerCase() === "ipv6" ? "http://[fd00:ec2::254]" : "http://169.254.169.254");
  try {
    const url = new URL(text);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {
    // below
  }
  throw new CredentialsError("AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http(s) URL");
}
