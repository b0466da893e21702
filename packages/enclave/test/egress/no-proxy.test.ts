// The NO_PROXY entries proxy-from-env does not match (IP addresses and CIDR blocks, IPv6 literals), checked
// against node:net's own address parsing; names are never resolved.
import { noProxyAddresses } from "../../src/egress/no-proxy";

const url = (host: string) => new URL(`https://${host}:443/`);

test.each([
  ["10.0.0.0/8", "10.1.2.3", true],
  ["10.0.0.0/8", "11.0.0.1", false],
  ["169.254.169.254", "169.254.169.254", true],
  ["169.254.169.254/32", "169.254.169.253", false],
  ["127.0.0.0/8, 192.168.0.0/16", "192.168.4.4", true],
  ["::1", "[::1]", true],
  ["[::1]", "[::1]", true],
  ["fd00::/8", "[fd00:ec2::254]", true],
  ["fd00::/8", "[fe80::1]", false],
  ["10.0.0.0/8", "[::ffff:10.0.0.1]", true], // an IPv4-mapped IPv6 literal is that IPv4 address (node:net BlockList)
  ["10.0.0.0/33", "10.0.0.1", false], // not a block: ignored
  ["10.0.0.0/x", "10.0.0.1", false],
  ["localhost", "127.0.0.1", false], // names are proxy-from-env's, and never resolved here
  ["10.0.0.0/8", "ten.example", false],
  ["", "10.0.0.1", false],
])("NO_PROXY %j, host %s: bypass %s", (noProxy, host, bypass) => {
  expect(noProxyAddresses(noProxy, url(host))).toBe(bypass);
});
