// A small client for AWS's JSON protocols (DynamoDB: JSON 1.0, Cognito: JSON 1.1): one signed POST
// per call over a keep-alive HTTPS connection, retried with backoff on throttling and transient
// failures, errors thrown with the service's error name. Signing is aws4's (SigV4, the npm package
// the AWS SDK v2 era grew up on); credentials and region come from the Lambda environment.
//
// Why not the AWS SDK v3: measured, importing @aws-sdk/client-dynamodb + lib-dynamodb costs about
// 190 ms of every cold start from the runtime's copy and 90 ms bundled (380 KB), against a few ms
// for this file; every call here is a plain JSON request, so none of the SDK's machinery is needed.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import aws4 from 'aws4';

export interface AwsJsonCall {
  /** Signing name and host prefix: `dynamodb`, `cognito-idp`. */
  service: string;
  /** `X-Amz-Target`, e.g. `DynamoDB_20120810.GetItem`. */
  target: string;
  /** `application/x-amz-json-1.0` or `-1.1`. */
  jsonVersion: '1.0' | '1.1';
  body: unknown;
  /** Full URL of a local emulator; AWS's regional endpoint otherwise. */
  endpoint?: string;
  /** Calls that need no credentials (Cognito's public-client sign-in) are sent unsigned. */
  unsigned?: boolean;
}

/** An error the service answered, named as the service names it (`ConditionalCheckFailedException`). */
export class AwsServiceError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  constructor(name: string, message: string, status: number, body: Record<string, unknown>) {
    super(message);
    this.name = name;
    this.status = status;
    this.body = body;
  }
}

const RETRYABLE = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TooManyRequestsException',
]);
const MAX_ATTEMPTS = 4;
const CONNECT_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;

const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });

const region = () => process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';

function credentials() {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) throw new Error('AWS credentials missing: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set');
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** The signed request: exported for the signing test. */
export function signedRequest(call: AwsJsonCall) {
  const url = new URL(call.endpoint ?? `https://${call.service}.${region()}.amazonaws.com/`);
  const body = JSON.stringify(call.body);
  const request = {
    host: url.host,
    path: url.pathname || '/',
    method: 'POST',
    service: call.service,
    region: region(),
    body,
    headers: {
      'content-type': `application/x-amz-json-${call.jsonVersion}`,
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-target': call.target,
    } as Record<string, string>,
  };
  if (!call.unsigned) aws4.sign(request, credentials());
  return { url, body, headers: request.headers };
}

function send(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      { protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, path: url.pathname || '/', method: 'POST', headers, agent: secure ? httpsAgent : httpAgent, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    const connectTimer = setTimeout(() => req.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
    req.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('request timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => {
      clearTimeout(connectTimer);
      reject(e);
    });
    req.end(body);
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One call: its parsed JSON answer, or an AwsServiceError. Retries what is worth retrying. */
export async function awsJson<T = Record<string, unknown>>(call: AwsJsonCall): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    // Signed anew each try: the signature holds the time.
    const { url, body, headers } = signedRequest(call);
    let failure: unknown;
    try {
      const res = await send(url, headers, body);
      const parsed = res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {};
      if (res.status >= 200 && res.status < 300) return parsed as T;
      const type = String(parsed.__type ?? parsed.code ?? `Http${res.status}`);
      const name = type.slice(type.lastIndexOf('#') + 1);
      const message = String(parsed.message ?? parsed.Message ?? name);
      failure = new AwsServiceError(name, message, res.status, parsed);
      if (!(res.status >= 500 || RETRYABLE.has(name))) throw failure;
    } catch (e) {
      if (e instanceof AwsServiceError && !(e.status >= 500 || RETRYABLE.has(e.name))) throw e;
      failure = e; // network errors, timeouts, 5xx, throttling
    }
    if (attempt >= MAX_ATTEMPTS) throw failure;
    await pause(Math.random() * 50 * 2 ** attempt);
  }
}
