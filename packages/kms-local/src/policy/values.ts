// Typed readings of condition values, shared by a policy's values (checked when the policy is set) and a
// request's values (which fail to match when they do not read). Each returns undefined for text it does
// not accept, never throws.
import { BlockList, isIP } from "node:net";

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A decimal number ("42", "-1.5"), as the Numeric operators compare them. */
export function readNumber(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

const EPOCH_SECONDS = /^\d{1,13}$/;
// The W3C profile of ISO 8601 that IAM documents: YYYY-MM, YYYY-MM-DD, and a time to the minute, second or
// fraction of a second with a zone designator (Z or +hh:mm / -hh:mm).
const W3C_DATE = /^(\d{4})-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?$/;
const MAX_DATE_MS = 8.64e15;

/**
 * A point in time as milliseconds since the epoch: epoch seconds (all digits, so "2024" is a number of
 * seconds, not a year) or a W3C ISO 8601 date. Invalid calendar dates (February 30) are refused.
 */
export function readDate(text: string): number | undefined {
  if (EPOCH_SECONDS.test(text)) {
    const ms = Number(text) * 1000;
    return ms <= MAX_DATE_MS ? ms : undefined;
  }
  const m = W3C_DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d = "01", h = "00", mi = "00", s = "00", fraction = "", zone = "Z"] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(utc).getUTCDate() !== day) return undefined;
  let offsetMinutes = 0;
  if (zone !== "Z") {
    const [zh, zm] = zone.slice(1).split(":").map(Number);
    if (zh > 23 || zm > 59) return undefined;
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (zh * 60 + zm);
  }
  const ms = utc - offsetMinutes * 60_000 + (fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0);
  return Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
}

/** "true" or "false", in any case, lower-cased. */
export function readBoolean(text: string): "true" | "false" | undefined {
  const lower = text.toLowerCase();
  return lower === "true" || lower === "false" ? lower : undefined;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Canonical base64 (padded, no whitespace), decoded. */
export function readBase64(text: string): Buffer | undefined {
  return BASE64.test(text) ? Buffer.from(text, "base64") : undefined;
}

export type IpFamily = "ipv4" | "ipv6";

/** An IP address, with its family. */
export function readIp(text: string): { address: string; family: IpFamily } | undefined {
  const version = isIP(text);
  return version === 0 ? undefined : { address: text, family: version === 4 ? "ipv4" : "ipv6" };
}

/** A CIDR block ("203.0.113.0/24", "2001:db8::/32") or a single address (a /32 or /128 block). */
export function readCidr(text: string): { address: string; family: IpFamily; prefix: number } | undefined {
  const slash = text.indexOf("/");
  const ip = readIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const bits = ip.family === "ipv4" ? 32 : 128;
  if (slash < 0) return { ...ip, prefix: bits };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  return { ...ip, prefix: Number(prefixText) };
}

/**
 * A set of CIDR blocks that answers whether an address lies in one of them. An address is only compared
 * with blocks of its own family (Node's BlockList alone would also match IPv4 addresses against IPv6
 * blocks such as ::/0).
 */
export function cidrSet(blocks: readonly { address: string; family: IpFamily; prefix: number }[]): (address: string) => boolean {
  const lists = { ipv4: new BlockList(), ipv6: new BlockList() };
  for (const b of blocks) lists[b.family].addSubnet(b.address, b.prefix, b.family);
  const families = new Set(blocks.map((b) => b.family));
  return (text) => {
    const ip = readIp(text);
    return ip !== undefined && families.has(ip.family) && lists[ip.family].check(ip.address, ip.family);
  };
}
