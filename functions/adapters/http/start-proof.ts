// Proof of work on attempt starts: friction for scripts that register people by the thousand,
// unnoticed by a person (a fraction of a second on a cheap phone, once per registration).
//
// The client finds a nonce such that sha256(`${contestId}:${phone}:${ts}:${nonce}`) starts with
// `bits` zero bits, `phone` being the normalised phone of the registration (the raw value when it
// is not a valid phone; the start then fails on the phone anyway) and `ts` the server's clock in
// epoch seconds (the app learns the offset from the Date header). It sends
// `X-Start-Proof: <ts>:<nonce>`. A proof is good for ±10 minutes, for that contest and phone only;
// it may be reused within that time, which only lets the same person start again (bounded by
// maxAttempts) and keeps retries of one start cheap.
//
// What it costs a bot: 2^bits hashes per phone number. Native code does millions per second, so
// this slows down naive scripts and makes a flood burn CPU, it does not stop a determined
// attacker: the per-address rate limit and API Gateway throttling do that.
import { createHash } from 'node:crypto';
import { ValidationFailed } from '../../domain/errors.ts';

export const START_PROOF_HEADER = 'x-start-proof';
/** A proof's timestamp may be this far from the server's clock, either way. */
export const START_PROOF_MAX_SKEW_SEC = 600;
/** More would take a phone seconds to minutes; configuration above it is refused. */
export const START_PROOF_MAX_BITS = 24;

const FORMAT = /^(\d{1,12}):(\d{1,15})$/;

export const startProofMessage = (contestId: string, phone: string, ts: number | string, nonce: number | string) =>
  `${contestId}:${phone}:${ts}:${nonce}`;

/** Leading zero bits of a digest. */
export function leadingZeroBits(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) {
    if (b === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(b) - 24;
  }
  return n;
}

export type StartProofVerdict = 'ok' | 'missing' | 'malformed' | 'stale' | 'weak';

export interface StartProofInput {
  contestId: string;
  phone: string;
  bits: number;
  nowMs: number;
}

export function verifyStartProof(header: string | undefined, { contestId, phone, bits, nowMs }: StartProofInput): StartProofVerdict {
  if (bits <= 0) return 'ok';
  if (header === undefined || header.trim() === '') return 'missing';
  const m = FORMAT.exec(header.trim());
  if (!m) return 'malformed';
  const ts = Number(m[1]);
  if (Math.abs(nowMs / 1000 - ts) > START_PROOF_MAX_SKEW_SEC) return 'stale';
  const hash = createHash('sha256').update(startProofMessage(contestId, phone, m[1]!, m[2]!)).digest();
  return leadingZeroBits(hash) >= bits ? 'ok' : 'weak';
}

const messages: Record<Exclude<StartProofVerdict, 'ok'>, string> = {
  missing: 'A proof of work is required to start: see startProofBits of the contest',
  malformed: 'Expected <epochSeconds>:<nonce>',
  stale: 'The proof is more than 10 minutes away from the server time; compute it again',
  weak: 'The proof does not match this contest and phone, or has too few leading zero bits',
};

/** 400 VALIDATION_FAILED on the `X-Start-Proof` field unless the proof holds (or none is required). */
export function assertStartProof(header: string | undefined, input: StartProofInput): void {
  const verdict = verifyStartProof(header, input);
  if (verdict !== 'ok') throw new ValidationFailed([{ field: 'X-Start-Proof', message: messages[verdict] }]);
}

/** The client's search, for tests and tools (the web app does the same with WebCrypto). */
export function solveStartProof(contestId: string, phone: string, bits: number, tsSec: number): string {
  for (let nonce = 0; ; nonce++) {
    const hash = createHash('sha256').update(startProofMessage(contestId, phone, tsSec, nonce)).digest();
    if (leadingZeroBits(hash) >= bits) return `${tsSec}:${nonce}`;
  }
}

/** START_POW_BITS: an integer 0..24; 0 (the default) turns the proof off. */
export function parseProofBits(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > START_PROOF_MAX_BITS) throw new Error(`START_POW_BITS must be an integer from 0 to ${START_PROOF_MAX_BITS}, got "${raw}"`);
  return n;
}
