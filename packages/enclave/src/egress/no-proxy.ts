// Which proxy, if any, a URL goes through, from the environment as curl and most tools read it:
// HTTPS_PROXY / https_proxy (HTTP_PROXY / http_proxy for http: URLs, ALL_PROXY as a fallback) and NO_PROXY /
// no_proxy. proxy-from-env decides names, suffixes (".example.com", "*.example.com"), "host:port" entries
// and a lone "*". It compares IP addresses only as text and takes "::1" for host ":" port 1, so NO_PROXY
// entries that are IP addresses or CIDR blocks ("10.0.0.0/8", "169.254.169.254", "fd00::/8", "::1") are
// matched here, against URLs whose host is an IP literal. Names are never resolved to addresses: that
// would ask DNS, which an enclave does not have, and could be answered by whoever relays it.
import { BlockList, isIP } from "node:net";
import { getProxyForUrl } from "proxy-from-env";

/** The proxy URL for `url` according to the environment, or undefined to connect directly. */
export function proxyFromEnvironment(url: URL): URL | undefined {
  const proxy = getProxyForUrl(url.href);
  if (!proxy) return undefined;
  // The variables proxy-from-env reads, in its order (lower case first).
  if (noProxyAddresses(process.env.no_proxy || process.env.NO_PROXY || "", url)) return undefined;
  return new URL(proxy);
}

/** Whether NO_PROXY holds an IP address or CIDR block that contains the URL's host (an IP literal). */
export function noProxyAddresses(noProxy: string, url: URL): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const family = isIP(host);
  if (family === 0) return false;
  const blocks = new BlockList();
  let any = false;
  for (const entry of noProxy.split(/[\s,]+/)) {
    const slash = entry.lastIndexOf("/");
    const address = (slash === -1 ? entry : entry.slice(0, slash)).replace(/^\[(.*)\]$/, "$1");
    const entryFamily = isIP(address);
    if (entryFamily === 0) continue;
    const bits = entryFamily === 4 ? 32 : 128;
    const prefixText = slash === -1 ? String(bits) : entry.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > bits) continue;
    blocks.addSubnet(address, prefix, entryFamily === 4 ? "ipv4" : "ipv6");
    any = true;
  }
  return any && blocks.check(host, family === 4 ? "ipv4" : "ipv6");
}
