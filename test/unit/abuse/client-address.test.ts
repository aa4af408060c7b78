// Whose address a request is counted under: header parsing, IPv6 /64 keys, and the trust rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress, parseAddress, secretMatches } from '../../../functions/adapters/http/client-address.ts';

describe('parseAddress', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['203.0.113.7:46532', '203.0.113.7'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['[2001:DB8::1]', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['::1', '::1'],
    ['::ffff:198.51.100.9', '::ffff:198.51.100.9'],
  ])('reads %j as %j', (value, ip) => {
    expect(parseAddress(value)).toBe(ip);
  });

  it.each([
    // CloudFront-Viewer-Address: the port is always there, after the last colon, brackets or not.
    ['198.51.100.10:46532', '198.51.100.10'],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334:46532', '2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
    ['2001:db8::1:46532', '2001:db8::1'],
    ['[2001:db8::1]:46532', '2001:db8::1'],
    // A bare IPv6 that cannot lose its last group still reads as itself.
    ['2001:db8::', '2001:db8::'],
  ])('reads CloudFront-Viewer-Address %j as %j', (value, ip) => {
    expect(parseAddress(value, true)).toBe(ip);
  });

  it.each([
    undefined,
    '',
    'localhost',
    '203.0.113',
    '203.0.113.256',
    '203.0.113.7:',
    '203.0.113.7:port',
    '203.0.113.7:123456',
    '203.0.113.7, 10.0.0.1',
    '[2001:db8::1',
    '[2001:db8::1]x',
    '[203.0.113.7]:80',
    '2001:db8::g',
    '1.2.3.4\u0000',
    'x'.repeat(100),
  ])('refuses %j', (value) => {
    expect(parseAddress(value)).toBeNull();
    expect(parseAddress(value, true)).toBeNull();
  });

  it('never throws, and only returns addresses', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.tuple(fc.ipV6(), fc.nat(65535)).map(([ip, p]) => `${ip}:${p}`)), fc.boolean(), (value, withPort) => {
        const ip = parseAddress(value, withPort);
        if (ip !== null) expect(parseAddress(ip)).toBe(ip);
      }),
    );
  });

  it('reads every IPv4 and IPv6 address with and without a port', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.nat(65535), (ip, port) => {
        expect(parseAddress(ip)).toBe(ip);
        expect(parseAddress(`${ip}:${port}`, true)).toBe(ip);
      }),
    );
    fc.assert(
      fc.property(fc.ipV6(), fc.nat(65535), (ip, port) => {
        expect(parseAddress(ip)).toBe(ip.toLowerCase());
        expect(parseAddress(`[${ip}]:${port}`, true)).toBe(ip.toLowerCase());
        // Unbracketed with a port: the same /64 at least (ambiguous forms like "a::b:443" drop the port).
        expect(addressKey(parseAddress(`${ip}:${port}`, true)!)).toBe(addressKey(ip.toLowerCase()));
      }),
    );
  });
});

describe('addressKey', () => {
  it('keeps IPv4, groups IPv6 by /64, unwraps IPv4-mapped IPv6', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0DB8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:198.51.100.9')).toBe('198.51.100.9');
    expect(addressKey('::ffff:c633:6409')).toBe('198.51.100.9');
    expect(addressKey('64:ff9b::203.0.113.7')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('not an address')).toBe('unknown');
  });

  it('gives two addresses of one /64 the same key, and different /64s different keys', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 12, maxLength: 12 }), (g) => {
        const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
        const a = hex([...g.slice(0, 4), ...g.slice(4, 8)]);
        const b = hex([...g.slice(0, 4), ...g.slice(8, 12)]);
        expect(addressKey(a)).toBe(addressKey(b));
        const c = hex([g[0]!, g[1]!, g[2]!, (g[3]! + 1) % 0x10000, ...g.slice(4, 8)]);
        if (!(g[0] === 0 && g[1] === 0 && g[2] === 0)) expect(addressKey(c)).not.toBe(addressKey(a));
      }),
    );
  });
});

describe('clientAddress: the trust rule', () => {
  const SECRET = 's3cret-from-secrets-manager';
  const edge = { 'x-origin-verify': SECRET, 'x-viewer-address': '203.0.113.7' };

  it('believes the edge headers only with the origin secret', () => {
    expect(clientAddress(edge, '130.176.1.1', SECRET)).toBe('203.0.113.7');
    expect(clientAddress({ ...edge, 'x-origin-verify': 'guess' }, '130.176.1.1', SECRET)).toBe('130.176.1.1');
    expect(clientAddress({ 'x-viewer-address': '203.0.113.7' }, '198.51.100.1', SECRET)).toBe('198.51.100.1');
  });

  it('ignores the headers entirely when no secret is configured (local mode)', () => {
    expect(clientAddress(edge, '127.0.0.1', undefined)).toBe('127.0.0.1');
    expect(clientAddress({ ...edge, 'x-origin-verify': '' }, '127.0.0.1', '')).toBe('127.0.0.1');
  });

  it('reads CloudFront-Viewer-Address (ip:port) when the edge sent no X-Viewer-Address', () => {
    const headers = { 'x-origin-verify': SECRET, 'cloudfront-viewer-address': '2001:db8:1:2::7:51234' };
    expect(clientAddress(headers, '130.176.1.1', SECRET)).toBe('2001:db8:1:2::7');
    expect(clientAddress({ ...headers, 'x-viewer-address': '203.0.113.9' }, '130.176.1.1', SECRET)).toBe('203.0.113.9');
  });

  it('falls back to the socket address when the trusted header is garbage, and to "unknown"', () => {
    expect(clientAddress({ ...edge, 'x-viewer-address': 'nonsense' }, '130.176.1.1', SECRET)).toBe('130.176.1.1');
    expect(clientAddress({}, undefined, undefined)).toBe('unknown');
  });

  it('compares the secret in constant time, any lengths', () => {
    expect(secretMatches(SECRET, SECRET)).toBe(true);
    expect(secretMatches(`${SECRET}x`, SECRET)).toBe(false);
    expect(secretMatches('', SECRET)).toBe(false);
    expect(secretMatches(undefined, SECRET)).toBe(false);
    expect(secretMatches(SECRET, undefined)).toBe(false);
  });
});
