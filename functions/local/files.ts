// Local stand-in for S3: the emulator (@20minutes/s3rver, a child process on 127.0.0.1 with its
// files under $DATA_DIR/s3) stores the exports, and the local server serves signed links itself
// under /_files/. The emulator would also serve an unsigned GET and does not check a link's expiry,
// so it is never exposed: a download here is checked as S3 checks it (the signature recomputed
// with the SDK's own signer for the link's date and lifetime, compared in constant time, and
// the expiry against the server's clock), then streamed from the emulator.
import { timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { presignClient, signGet } from '../adapters/storage/s3.ts';
import { startChild, waitForPort } from './processes.ts';

/** Where signed links point locally: the server's own origin + this path. */
export const FILES_PATH = '/_files';
export const EXPORT_BUCKET = 'cuoc-thi-exports';

export async function startS3Local(options: { dataDir: string; port: number; bucket?: string }): Promise<string> {
  mkdirSync(options.dataDir, { recursive: true });
  const launcher = join(dirname(fileURLToPath(import.meta.url)), 's3rver-child.mjs');
  const child = startChild('S3 emulator', process.execPath, [launcher, options.dataDir, String(options.port), options.bucket ?? EXPORT_BUCKET], {});
  await waitForPort(options.port, 30_000, 'S3 emulator', child);
  return `http://127.0.0.1:${options.port}`;
}

/** `20261203T124500Z` as a Date. */
function amzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

const refuse = (res: ServerResponse, status: number, code: string, message: string) => {
  res.writeHead(status, { 'content-type': 'application/xml', 'cache-control': 'no-store' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
};

/** Checks a presigned GET of `publicEndpoint`/bucket/key; returns why it is refused, or the object key. */
export async function checkSignedUrl(url: URL, publicEndpoint: string, bucket: string, now: Date): Promise<{ key: string; disposition?: string } | { refused: string; code: string }> {
  const q = url.searchParams;
  const prefix = `${new URL(publicEndpoint).pathname.replace(/\/$/, '')}/${bucket}/`;
  if (!url.pathname.startsWith(prefix)) return { refused: 'No such bucket', code: 'NoSuchBucket' };
  const signature = q.get('X-Amz-Signature') ?? '';
  const date = amzDate(q.get('X-Amz-Date') ?? '');
  const seconds = Number(q.get('X-Amz-Expires'));
  if (!signature || !date || !Number.isInteger(seconds) || seconds < 1 || seconds > 604_800) return { refused: 'Only signed links are served', code: 'AccessDenied' };
  if (now.getTime() > date.getTime() + seconds * 1000) return { refused: 'Request has expired', code: 'AccessDenied' };
  let key: string;
  try {
    key = decodeURIComponent(url.pathname.slice(prefix.length));
  } catch {
    return { refused: 'Bad key', code: 'AccessDenied' };
  }
  const disposition = q.get('response-content-disposition') ?? undefined;
  const expected = new URL(await signGet(signer(publicEndpoint), bucket, key, '', date, seconds, disposition)).searchParams.get('X-Amz-Signature') ?? '';
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { refused: 'The request signature does not match', code: 'SignatureDoesNotMatch' };
  return { key, ...(disposition ? { disposition } : {}) };
}

const signers = new Map<string, S3Client>();
const signer = (endpoint: string) => {
  let s = signers.get(endpoint);
  if (!s) signers.set(endpoint, (s = presignClient(endpoint)));
  return s;
};

/** Serves GET /_files/<bucket>/<key>?X-Amz-... once the link checks out. */
export function createFileDownload(options: { publicEndpoint: string; s3Endpoint: string; bucket: string }) {
  const s3 = new S3Client({ endpoint: options.s3Endpoint, forcePathStyle: true, region: process.env.AWS_REGION ?? 'ap-southeast-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'MethodNotAllowed', 'Only GET');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const checked = await checkSignedUrl(url, options.publicEndpoint, options.bucket, new Date());
    if ('refused' in checked) return refuse(res, 403, checked.code, checked.refused);
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: checked.key }));
      res.writeHead(200, {
        'content-type': out.ContentType ?? 'application/octet-stream',
        ...(out.ContentLength !== undefined ? { 'content-length': String(out.ContentLength) } : {}),
        'content-disposition': checked.disposition ?? out.ContentDisposition ?? 'attachment',
        'cache-control': 'private, no-store',
      });
      if (req.method === 'HEAD') return res.end();
      (out.Body as Readable).pipe(res);
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey') return refuse(res, 404, 'NoSuchKey', 'The file is gone');
      throw e;
    }
  };
}
