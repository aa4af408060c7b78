// Exported files in the private S3 bucket (EXPORT_BUCKET): multipart uploads whose part numbers the
// export job chooses, and GET links signed by @aws-sdk/s3-request-presigner. Locally S3_ENDPOINT is
// the S3 emulator (@20minutes/s3rver on 127.0.0.1) and links are signed for S3_PUBLIC_ENDPOINT, the
// local server's own download path, which checks the signature and expiry before serving the file
// (functions/local/files.ts): the same signing code as on AWS.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileStore } from '../../app/job-ports.ts';
import { optionalEnv } from '../config.ts';

/** Attachment header with the UTF-8 name (RFC 6266) and an ASCII fallback. */
export const disposition = (filename: string) => `attachment; filename="${filename.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`;

function clientConfig(endpoint: string | undefined): S3ClientConfig {
  return {
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          // The emulator's fixed credentials; on AWS the function's role signs.
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        }
      : {}),
    region: process.env.AWS_REGION ?? 'ap-southeast-1',
    // The SDK's default CRC32 checksums on every part are not needed on top of TLS and Content-MD5-free parts.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

let clients: { s3: S3Client; signer: S3Client; bucket: string } | undefined;

/** Created at first use: functions that never export do not pay for the client. */
function s3() {
  if (clients) return clients;
  const bucket = optionalEnv('EXPORT_BUCKET');
  if (!bucket) throw new Error('Missing required environment variable EXPORT_BUCKET');
  const endpoint = optionalEnv('S3_ENDPOINT');
  const s3 = new S3Client(clientConfig(endpoint));
  const publicEndpoint = optionalEnv('S3_PUBLIC_ENDPOINT');
  clients = { s3, signer: publicEndpoint ? presignClient(publicEndpoint) : s3, bucket };
  return clients;
}

/** The client links are signed with when they are served through another address (local mode). */
export const presignClient = (endpoint: string) => new S3Client(clientConfig(endpoint));

/** The signed GET of `key`: shared by the export job and the local download check. */
export function signGet(client: S3Client, bucket: string, key: string, filename: string, signingDate: Date, seconds: number, contentDisposition = disposition(filename)) {
  return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: contentDisposition }), { expiresIn: seconds, signingDate });
}

const notFound = (e: unknown) => (e as { name?: string; $metadata?: { httpStatusCode?: number } }).name === 'NotFound' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

export const s3FileStore: FileStore = {
  minPartBytes: 5 * 1024 * 1024,

  async startUpload(key, contentType, filename) {
    const { s3: client, bucket } = s3();
    const out = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType, ContentDisposition: disposition(filename) }));
    return out.UploadId!;
  },

  async putPart(key, uploadId, partNumber, body) {
    const { s3: client, bucket } = s3();
    const out = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length }));
    return { partNumber, etag: out.ETag! };
  },

  async complete(key, uploadId, parts) {
    const { s3: client, bucket } = s3();
    try {
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    } catch (e) {
      // Completed by a run that stopped before its checkpoint: the upload is gone, the object is there.
      if ((await this.size(key)) === undefined) throw e;
    }
  },

  async abort(key, uploadId) {
    const { s3: client, bucket } = s3();
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
  },

  async size(key) {
    const { s3: client, bucket } = s3();
    try {
      return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength;
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  },

  async signedUrl(key, filename, now, seconds) {
    const { signer, bucket } = s3();
    return signGet(signer, bucket, key, filename, now, seconds);
  },
};
