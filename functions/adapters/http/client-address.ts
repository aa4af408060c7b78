// Which network address a request comes from, for the per-address rate limits.
//
// On AWS every browser request reaches API Gateway through CloudFront, so the API's
// `requestContext.http.sourceIp` is a CloudFront edge address shared by everyone near it. The
// viewer's own address is added at the edge: a CloudFront Function on the /api/* behaviour writes
// `X-Viewer-Address` (overwriting anything the viewer sent), and a `CloudFront-Viewer-Address`
// header (ip:port) is understood too when an origin request policy forwards it. The execute-api
// endpoint is also reachable directly, where anyone can send those headers; so they are believed
// only when the request also carries the origin secret that CloudFront adds as an origin custom
// header (`X-Origin-Verify`, value from Secrets Manager, given to the functions as
// ORIGIN_VERIFY_SECRET). Without it, or in local mode where no secret is set, the socket address
// (`sourceIp`) counts, which a client cannot choose.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';
export const VIEWER_ADDRESS_HEADER = 'x-viewer-address';
export const CLOUDFRONT_VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

const PORT = /^\d{1,5}$/;

/**
 * The IP in an address header: `203.0.113.7`, `203.0.113.7:443`, `[2001:db8::1]:443`, `2001:db8::1`,
 * or, with `withPort`, CloudFront-Viewer-Address's unbracketed `2001:db8::1:46532` (the last group is
 * the port). IPv6 comes back lower-case; anything else, lists included, is null.
 */
export function parseAddress(value: string | undefined | null, withPort = false): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (!v || v.length > 64) return null;
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    const rest = v.slice(end + 1);
    if (end < 0 || (rest !== '' && !(rest.startsWith(':') && PORT.test(rest.slice(1))))) return null;
    const host = v.slice(1, end);
    return isIPv6(host) ? host.toLowerCase() : null;
  }
  const colons = v.split(':').length - 1;
  if (colons === 0) return isIPv4(v) ? v : null;
  if (colons === 1) {
    const [host = '', port = ''] = v.split(':');
    return isIPv4(host) && PORT.test(port) ? host : null;
  }
  if (withPort) {
    const i = v.lastIndexOf(':');
    const host = v.slice(0, i);
    if (PORT.test(v.slice(i + 1)) && isIPv6(host)) return host.toLowerCase();
  }
  return isIPv6(v) ? v.toLowerCase() : null;
}

/** The 8 groups of an IPv6 address (embedded IPv4 tail included), or null. */
function ipv6Groups(ip: string): number[] | null {
  if (!isIPv6(ip)) return null;
  let s = ip.toLowerCase();
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    s = `${s.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = s.split('::');
  const h = head ? head.split(':') : [];
  const r = rest ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r];
  return groups.length === 8 ? groups.map((g) => parseInt(g, 16)) : null;
}

/**
 * The key an address is counted under: an IPv4 address as it is; an IPv6 address by its /64,
 * the block one subscriber line or phone gets (counting single IPv6 addresses would let one device
 * rotate through 2^64 of them); an IPv4-mapped IPv6 address as its IPv4.
 */
export function addressKey(address: string): string {
  if (isIPv4(address)) return address;
  const g = ipv6Groups(address);
  if (!g) return 'unknown';
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.');
  }
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of a header with the configured secret (hashing first evens the lengths). */
export function secretMatches(sent: string | undefined, secret: string | undefined): boolean {
  if (!secret || typeof sent !== 'string') return false;
  return timingSafeEqual(digest(sent), digest(secret));
}

/**
 * The client's address: the edge's viewer-address headers when the origin secret proves the
 * request came through our CloudFront distribution, else the socket address.
 */
export function clientAddress(
  headers: Record<string, string | undefined>,
  sourceIp: string | undefined,
  originSecret: string | undefined,
): string {
  if (secretMatches(headers[ORIGIN_VERIFY_HEADER], originSecret)) {
    const viewer = parseAddress(headers[VIEWER_ADDRESS_HEADER]) ?? parseAddress(headers[CLOUDFRONT_VIEWER_ADDRESS_HEADER], true);
    if (viewer) return viewer;
  }
  return parseAddress(sourceIp) ?? 'unknown';
}
