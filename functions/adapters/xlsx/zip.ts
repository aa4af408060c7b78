// The zip container of an .xlsx, read defensively (it comes from uploads). The central directory
// is read first and checked against the caller's limits (number of parts, total declared
// uncompressed size) before anything is inflated; then only the parts the reader asks for are
// inflated by Node's zlib with `maxOutputLength` = the part's declared size, so a part producing
// more than it declared is stopped as soon as it does (a zip bomb that lies about its size never
// expands). No CRC check on reading: it protects nothing here and some writers (and our tests' zip
// builder) leave it at zero. Writing (`zipFiles`) is the same container the other way round.

import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

export type ZipErrorReason = 'not_zip' | 'too_big' | 'corrupt';

export class ZipError extends Error {
  constructor(readonly reason: ZipErrorReason) {
    super(`zip: ${reason}`);
    this.name = 'ZipError';
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressed: number;
  uncompressed: number;
  localOffset: number;
}

export interface ZipLimits {
  /** Largest number of parts (directory entries) accepted. */
  maxEntries: number;
  /** Largest sum of the declared uncompressed sizes of all parts. */
  maxUncompressed: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;


const utf8 = new TextDecoder();

/** The central directory, checked against `limits`. Throws ZipError only. */
export function readZipDirectory(buf: Uint8Array, limits: ZipLimits): ZipEntry[] {
  try {
    return readDirectory(buf, limits);
  } catch (e) {
    if (e instanceof ZipError) throw e;
    throw new ZipError('corrupt');
  }
}

function readDirectory(buf: Uint8Array, limits: ZipLimits): ZipEntry[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u16 = (p: number) => dv.getUint16(p, true);
  const u32 = (p: number) => dv.getUint32(p, true);
  const u64 = (p: number) => safeNumber(dv.getBigUint64(p, true));
  if (buf.length < 22 || u32(0) !== LOCAL_SIG) throw new ZipError('not_zip');

  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (u32(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('corrupt');
  let count = u16(eocd + 10);
  let cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== ZIP64_LOCATOR_SIG) throw new ZipError('corrupt');
    const z = u64(loc + 8);
    if (z + 56 > buf.length || u32(z) !== ZIP64_EOCD_SIG) throw new ZipError('corrupt');
    count = u64(z + 32);
    cdOffset = u64(z + 48);
  }
  if (count > limits.maxEntries) throw new ZipError('too_big');

  const entries: ZipEntry[] = [];
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || u32(p) !== CENTRAL_SIG) throw new ZipError('corrupt');
    const flags = u16(p + 8);
    const method = u16(p + 10);
    let compressed = u32(p + 20);
    let uncompressed = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    let localOffset = u32(p + 42);
    const nameEnd = p + 46 + nameLen;
    const extraEnd = nameEnd + extraLen;
    if (extraEnd + commentLen > buf.length) throw new ZipError('corrupt');
    const name = utf8.decode(buf.subarray(p + 46, nameEnd));
    // ZIP64 extra field (id 1): the 64-bit values, in this order, for each field saturated at 0xFFFFFFFF.
    for (let x = nameEnd; x + 4 <= extraEnd; ) {
      const id = u16(x);
      const size = u16(x + 2);
      if (id === 1) {
        let q = x + 4;
        if (uncompressed === 0xffffffff) (uncompressed = u64(q)), (q += 8);
        if (compressed === 0xffffffff) (compressed = u64(q)), (q += 8);
        if (localOffset === 0xffffffff) localOffset = u64(q);
      }
      x += 4 + size;
    }
    total += uncompressed;
    if (total > limits.maxUncompressed) throw new ZipError('too_big');
    entries.push({ name, method, flags, compressed, uncompressed, localOffset });
    p = extraEnd + commentLen;
  }
  return entries;
}

/**
 * The bytes of one part. Throws ZipError('too_big') as soon as the part inflates beyond its
 * declared size, ZipError('corrupt') for anything else wrong with it.
 */
export function inflateEntry(buf: Uint8Array, e: ZipEntry): Uint8Array {
  let data: Uint8Array;
  try {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const h = e.localOffset;
    if (h + 30 > buf.length || dv.getUint32(h, true) !== LOCAL_SIG) throw new ZipError('corrupt');
    const start = h + 30 + dv.getUint16(h + 26, true) + dv.getUint16(h + 28, true);
    const end = start + e.compressed;
    if (end > buf.length) throw new ZipError('corrupt');
    data = buf.subarray(start, end);
  } catch (err) {
    throw err instanceof ZipError ? err : new ZipError('corrupt');
  }
  // Bit 0: encrypted.
  if (e.flags & 1) throw new ZipError('corrupt');
  if (e.method === 0) {
    if (e.compressed !== e.uncompressed) throw new ZipError('corrupt');
    return data;
  }
  if (e.method !== 8) throw new ZipError('corrupt');

  let out: Buffer;
  try {
    // Node's inflater stops with an error as soon as the output would pass the declared size.
    out = inflateRawSync(data, { maxOutputLength: Math.max(1, e.uncompressed) });
  } catch (err) {
    throw new ZipError((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too_big' : 'corrupt');
  }
  if (out.length !== e.uncompressed) throw new ZipError('corrupt');
  return out;
}

/**
 * A zip archive of `files` (path -> bytes), deflated at `level`, as Excel and every unzipper read
 * it: local headers, data, central directory, end record (no zip64: parts stay far below 4 GB).
 */
export function zipFiles(files: Record<string, Uint8Array>, level: number, at: Date): Uint8Array {
  // MS-DOS date and time, local fields as zip tools expect.
  const dosTime = (at.getHours() << 11) | (at.getMinutes() << 5) | (at.getSeconds() >> 1);
  const dosDate = ((at.getFullYear() - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [path, content] of Object.entries(files)) {
    const name = Buffer.from(path, 'utf8');
    const data = deflateRawSync(content, { level });
    const crc = crc32(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIG, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    central.writeUInt16LE(20, 6); // needed
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function safeNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('corrupt');
  return Number(n);
}
