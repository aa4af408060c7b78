// The web app's proof-of-work search (WebCrypto) against the server's check.
import { describe, expect, it } from 'vitest';
import { leadingZeroBits, verifyStartProof } from '../../../functions/adapters/http/start-proof.ts';
import { solveStartProof, zeroBits } from '../../../web/src/lib/start-proof.ts';

describe('web start proof', () => {
  it('counts zero bits like the server', () => {
    for (const bytes of [[0x80], [0x01], [0, 0x7f], [0, 0, 0], [0x00, 0x00, 0x01, 0xff]]) {
      expect(zeroBits(Uint8Array.from(bytes))).toBe(leadingZeroBits(Uint8Array.from(bytes)));
    }
  });

  it.each([1, 16, 64])('finds proofs the server accepts (batch %i)', async (batch) => {
    // A fixed moment: the check that another phone's proof is weak is then the same every run.
    const ts = 1_767_225_600;
    const nowMs = ts * 1000 + 5_000;
    expect(await solveStartProof('cchc-2024', '0912345678', 0, ts, batch)).toBe(`${ts}:0`);
    for (const bits of [4, 10]) {
      const proof = await solveStartProof('cchc-2024', '0912345678', bits, ts, batch);
      expect(proof.startsWith(`${ts}:`)).toBe(true);
      expect(verifyStartProof(proof, { contestId: 'cchc-2024', phone: '0912345678', bits, nowMs })).toBe('ok');
      expect(verifyStartProof(proof, { contestId: 'cchc-2024', phone: '0912345679', bits: 16, nowMs })).toBe('weak');
    }
  });
});
