// The proof of work an attempt start may need (functions/adapters/http/start-proof.ts): a nonce
// such that sha256(`${contestId}:${phone}:${ts}:${nonce}`) starts with `bits` zero bits, found with
// WebCrypto (no hashing code in the bundle; needs a secure context: HTTPS or localhost).
// Digests run in batches: one await per batch instead of per hash, and the browser can hash a
// batch off the main thread.

export function zeroBits(hash: Uint8Array): number {
  let n = 0;
  for (const b of hash) {
    if (b) return n + Math.clz32(b) - 24;
    n += 8;
  }
  return n;
}

/** `<ts>:<nonce>` for X-Start-Proof; `ts` is the server's clock in epoch seconds. */
export async function solveStartProof(contestId: string, phone: string, bits: number, ts: number, batch = 64): Promise<string> {
  const enc = new TextEncoder();
  const prefix = `${contestId}:${phone}:${ts}:`;
  for (let base = 0; ; base += batch) {
    const hashes = await Promise.all(Array.from({ length: batch }, (_, i) => crypto.subtle.digest('SHA-256', enc.encode(prefix + (base + i)))));
    const i = hashes.findIndex((h) => zeroBits(new Uint8Array(h)) >= bits);
    if (i >= 0) return `${ts}:${base + i}`;
  }
}
