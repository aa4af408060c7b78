// Zip-bomb guard for .xlsx, run before exceljs (which inflates every part of
// the archive into memory). Reads the central directory, caps the number of
// parts and their total declared size, then inflates each part with zlib's
// maxOutputLength set to its declared size, so a part that lies about its size
// is stopped as soon as it exceeds it instead of filling memory.

import { inflateRawSync } from 'node:zlib';
import { MAX_XLSX_ENTRIES, MAX_XLSX_UNCOMPRESSED_BYTES } from './limits.ts';

export type ZipCheck = { ok: true } | { ok: false; reason: 'not_zip' | 'too_big' | 'corrupt' };

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

interface Entry {
  method: number;
  compressed: number;
  uncompressed: number;
  localOffset: number;
}

export function checkZip(
  buf: Buffer,
  limits = { maxEntries: MAX_XLSX_ENTRIES, maxUncompressed: MAX_XLSX_UNCOMPRESSED_BYTES },
): ZipCheck {
  try {
    const dir = readDirectory(buf, limits.maxEntries);
    if (dir === 'not_zip' || dir === 'too_big' || dir === 'corrupt') return { ok: false, reason: dir };
    let total = 0;
    for (const e of dir) {
      total += e.uncompressed;
      if (total > limits.maxUncompressed) return { ok: false, reason: 'too_big' };
    }
    for (const e of dir) {
      const r = verifyEntry(buf, e);
      if (r !== 'ok') return { ok: false, reason: r };
    }
    return { ok: true };
  } catch {
    return { ok: false, reason: 'corrupt' };
  }
}

function readDirectory(buf: Buffer, maxEntries: number): Entry[] | 'not_zip' | 'too_big' | 'corrupt' {
  if (buf.length < 22 || buf.readUInt32LE(0) !== LOCAL_SIG) return 'not_zip';
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return 'corrupt';
  let count = buf.readUInt16LE(eocd + 10);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG) return 'corrupt';
    const z = safeNumber(buf.readBigUInt64LE(loc + 8));
    if (z + 56 > buf.length || buf.readUInt32LE(z) !== ZIP64_EOCD_SIG) return 'corrupt';
    count = safeNumber(buf.readBigUInt64LE(z + 32));
    cdOffset = safeNumber(buf.readBigUInt64LE(z + 48));
  }
  if (count > maxEntries) return 'too_big';

  const entries: Entry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL_SIG) return 'corrupt';
    const method = buf.readUInt16LE(p + 10);
    let compressed = buf.readUInt32LE(p + 20);
    let uncompressed = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let localOffset = buf.readUInt32LE(p + 42);
    // ZIP64 extra field (id 1): the 64-bit values, in this order, for each field saturated at 0xFFFFFFFF.
    let x = p + 46 + nameLen;
    const extraEnd = x + extraLen;
    while (x + 4 <= extraEnd) {
      const id = buf.readUInt16LE(x);
      const size = buf.readUInt16LE(x + 2);
      if (id === 1) {
        let q = x + 4;
        if (uncompressed === 0xffffffff) uncompressed = safeNumber(buf.readBigUInt64LE((q += 8) - 8));
        if (compressed === 0xffffffff) compressed = safeNumber(buf.readBigUInt64LE((q += 8) - 8));
        if (localOffset === 0xffffffff) localOffset = safeNumber(buf.readBigUInt64LE(q));
      }
      x += 4 + size;
    }
    entries.push({ method, compressed, uncompressed, localOffset });
    p = extraEnd + commentLen;
  }
  return entries;
}

function verifyEntry(buf: Buffer, e: Entry): 'ok' | 'too_big' | 'corrupt' {
  const h = e.localOffset;
  if (h + 30 > buf.length || buf.readUInt32LE(h) !== LOCAL_SIG) return 'corrupt';
  const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
  const end = start + e.compressed;
  if (end > buf.length) return 'corrupt';
  const data = buf.subarray(start, end);
  if (e.method === 0) return e.compressed === e.uncompressed ? 'ok' : 'corrupt';
  if (e.method !== 8) return 'corrupt';
  try {
    const out = inflateRawSync(data, { maxOutputLength: Math.max(1, e.uncompressed) });
    return out.length === e.uncompressed ? 'ok' : 'corrupt';
  } catch (err) {
    return (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too_big' : 'corrupt';
  }
}

function safeNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('zip64 value too large');
  return Number(n);
}
