// The proof of work on attempt starts: its format, binding, time window and strength.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertStartProof,
  leadingZeroBits,
  parseProofBits,
  solveStartProof,
  startProofMessage,
  verifyStartProof,
} from '../../../functions/adapters/http/start-proof.ts';
import { ValidationFailed } from '../../../functions/domain/errors.ts';

const NOW = Date.parse('2024-10-15T03:00:00Z');
const TS = NOW / 1000;
const base = { contestId: 'cchc-2024', phone: '0912345678', bits: 10, nowMs: NOW };

describe('leadingZeroBits', () => {
  it.each([
    [[0x80], 0],
    [[0x40], 1],
    [[0x01], 7],
    [[0x00, 0xff], 8],
    [[0x00, 0x00, 0x10], 19],
    [[0x00, 0x00], 16],
    [[], 0],
  ])('%j has %i', (bytes, n) => {
    expect(leadingZeroBits(Uint8Array.from(bytes))).toBe(n);
  });

  it('matches a bit-by-bit count', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), (bytes) => {
        const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
        const expected = bits.indexOf('1') === -1 ? bits.length : bits.indexOf('1');
        expect(leadingZeroBits(bytes)).toBe(expected);
      }),
    );
  });
});

describe('verifyStartProof', () => {
  const proof = solveStartProof(base.contestId, base.phone, base.bits, TS);

  it('accepts a solved proof, and its hash really has the bits', () => {
    expect(verifyStartProof(proof, base)).toBe('ok');
    const [ts, nonce] = proof.split(':');
    const hash = createHash('sha256').update(startProofMessage(base.contestId, base.phone, ts!, nonce!)).digest();
    expect(leadingZeroBits(hash)).toBeGreaterThanOrEqual(10);
  });

  it('asks for nothing when bits is 0', () => {
    expect(verifyStartProof(undefined, { ...base, bits: 0 })).toBe('ok');
    expect(verifyStartProof('garbage', { ...base, bits: 0 })).toBe('ok');
  });

  it('binds the proof to the contest and the phone', () => {
    // Another phone or contest needs its own search; a solved proof is very unlikely to fit both.
    expect(verifyStartProof(proof, { ...base, phone: '0912345679' })).toBe('weak');
    expect(verifyStartProof(proof, { ...base, contestId: 'other' })).toBe('weak');
    expect(verifyStartProof(proof, { ...base, bits: 30 })).toBe('weak');
  });

  it('accepts ±10 minutes of clock difference, no more', () => {
    expect(verifyStartProof(proof, { ...base, nowMs: NOW + 600_000 })).toBe('ok');
    expect(verifyStartProof(proof, { ...base, nowMs: NOW - 600_000 })).toBe('ok');
    expect(verifyStartProof(proof, { ...base, nowMs: NOW + 601_000 })).toBe('stale');
    expect(verifyStartProof(proof, { ...base, nowMs: NOW - 601_000 })).toBe('stale');
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['   ', 'missing'],
    ['123', 'malformed'],
    [`${TS}:`, 'malformed'],
    [`${TS}:-1`, 'malformed'],
    [`${TS}:1e3`, 'malformed'],
    [`${TS}:0x10`, 'malformed'],
    [`${TS - 3600}:1`, 'stale'],
    [`${TS * 1000}:1`, 'malformed'],
    [`${TS}:1:2`, 'malformed'],
    [`${TS}:${'9'.repeat(16)}`, 'malformed'],
  ])('%j is %s', (header, verdict) => {
    expect(verifyStartProof(header, base)).toBe(verdict);
  });

  it('turns a refusal into VALIDATION_FAILED on X-Start-Proof', () => {
    expect(() => assertStartProof(proof, base)).not.toThrow();
    for (const header of [undefined, 'x', `${TS - 3600}:0`]) {
      try {
        assertStartProof(header, base);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationFailed);
        expect((e as ValidationFailed).details).toEqual([{ field: 'X-Start-Proof', message: expect.any(String) }]);
      }
    }
  });
});

describe('parseProofBits', () => {
  it('defaults to 0 and takes 0..24', () => {
    expect(parseProofBits(undefined)).toBe(0);
    expect(parseProofBits('')).toBe(0);
    expect(parseProofBits('12')).toBe(12);
    expect(parseProofBits('24')).toBe(24);
    for (const bad of ['-1', '25', '1.5', 'twelve']) expect(() => parseProofBits(bad)).toThrow(/START_POW_BITS/);
  });
});
