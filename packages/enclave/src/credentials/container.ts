// Credentials from the container credentials endpoint (ECS, EKS Pod Identity), through the egress, with the
// AWS SDK's rules: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on 169.254.170.2, or
// AWS_CONTAINER_CREDENTIALS_FULL_URI (https anywhere; http only to loopback and the ECS/EKS link-local
// addresses), with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or AWS_CONTAINER_AUTHORIZATION_TOKEN as the
// Authorization header. Without either variable the source is not configured (the chain moves on).
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { CredentialsError } from "../errors.js";
import type { Egress } from "../egress/egress.js";
import { credentialsFrom, metadataRequest } from "./metadata-request.js";

const HTTP_HOSTS = new Set(["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost"]);
const what = "container credentials endpoint";

export function fromContainerEndpoint({ egress, timeoutMs = 5_000 }: { egress: Egress; timeoutMs?: number }): AwsCredentialIdentityProvider {
  return async () => {
    const url = containerEndpoint();
    const headers: Record<string, string> = {};
    const token = authorizationToken();
    if (token) headers.Authorization = token;
    return credentialsFrom(await metadataRequest(egress, url, { method: "GET", headers, timeoutMs, what }), what);
  };
}

function containerEndpoint(): URL {
  const relative = process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  if (relative) {
    if (!relative.startsWith("/")) throw new CredentialsError("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with /");
    return new URL(`http://169.254.170.2${relative}`);
  }
  const full = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (!full) throw new CredentialsError("no container credentials endpoint is configured", { tryNextLink: true });
  let url: URL;
  try {
    url = new URL(full);
  } catch {
    throw new CredentialsError("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL");
  }
  const host = url.hostname;
  const loopback = host === "localhost" || (isIP(host) === 4 && host.startsWith("127.")) || host === "[::1]";
  if (url.protocol === "https:" || (url.protocol === "http:" && (loopback || HTTP_HOSTS.has(host)))) return url;
  throw new CredentialsError("AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to loopback or the container link-local address");
}

function authorizationToken(): string | undefined {
  const file = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  let token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  if (file) {
    try {
      token = readFileSync(file, "utf8").trim();
    } catch (cause) {
      throw new CredentialsError("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", { cause });
    }
  }
  if (token !== undefined && /[\r\n]/.test(token)) throw new CredentialsError("the container authorization token contains a line break");
  return token || undefined;
}
