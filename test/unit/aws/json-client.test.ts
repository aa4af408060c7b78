// The JSON client signs with aws4; DynamoDB Local and cognito-local do not check signatures, so the
// signature is checked here against the AWS SDK's own signer (@smithy/signature-v4): for the same
// request, time and credentials both must produce the same Authorization header.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signedRequest } from '../../../functions/adapters/aws/json-client.ts';

/** The Sha256 the SDK signer expects, on node:crypto. */
class Sha256 {
  #hash;
  constructor(secret?: string | Uint8Array) {
    this.#hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data: string | Uint8Array) {
    this.#hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.#hash.digest());
  }
}

const AT = new Date('2026-11-27T05:00:00.000Z');

beforeEach(() => {
  vi.useFakeTimers({ now: AT, toFake: ['Date'] });
  vi.stubEnv('AWS_REGION', 'ap-southeast-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

async function sdkAuthorization(headers: Record<string, string>, body: string, service: string, host: string) {
  const signer = new SignatureV4({
    service,
    region: 'ap-southeast-1',
    sha256: Sha256 as never,
    // As the SDK's DynamoDB and Cognito clients sign: no x-amz-content-sha256 header (S3's).
    applyChecksum: false,
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!, sessionToken: process.env.AWS_SESSION_TOKEN },
  });
  const { authorization: _a, Authorization: _A, ...unsigned } = headers;
  const signed = await signer.sign({ method: 'POST', protocol: 'https:', hostname: host, path: '/', headers: { ...unsigned, host }, body, query: {} }, { signingDate: AT });
  return signed.headers.authorization;
}

describe('signedRequest', () => {
  it.each([
    ['dynamodb', 'DynamoDB_20120810.GetItem', '1.0', { TableName: 't', Key: { PK: { S: 'PEOPLE#c#3' }, SK: { S: 'P#0912345678' } }, ConsistentRead: true }],
    ['cognito-idp', 'AWSCognitoIdentityProviderService.AdminAddUserToGroup', '1.1', { UserPoolId: 'ap-southeast-1_x', Username: 'u', GroupName: 'organizer' }],
  ] as const)('%s: the same signature as the AWS SDK signer', async (service, target, jsonVersion, body) => {
    const { url, headers, body: sent } = signedRequest({ service, target, jsonVersion, body });
    expect(url.host).toBe(`${service}.ap-southeast-1.amazonaws.com`);
    expect(headers['X-Amz-Date'] ?? headers['x-amz-date']).toBe('20261127T050000Z');
    const ours = headers.Authorization ?? headers.authorization;
    expect(ours).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261127\/ap-southeast-1\/\S+\/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/);
    expect(ours).toBe(await sdkAuthorization(headers, sent, service, url.host));
  });

  it('signs the session token of a Lambda role', async () => {
    vi.stubEnv('AWS_SESSION_TOKEN', 'IQoJb3JpZ2luX2VjEXAMPLE');
    const { url, headers, body } = signedRequest({ service: 'dynamodb', target: 'DynamoDB_20120810.Query', jsonVersion: '1.0', body: { TableName: 't' } });
    expect(headers['X-Amz-Security-Token']).toBe('IQoJb3JpZ2luX2VjEXAMPLE');
    expect(headers.Authorization).toBe(await sdkAuthorization(headers, body, 'dynamodb', url.host));
  });

  it('sends the public sign-in calls unsigned, and refuses to sign without credentials', () => {
    const { headers } = signedRequest({ service: 'cognito-idp', target: 'AWSCognitoIdentityProviderService.InitiateAuth', jsonVersion: '1.1', body: {}, unsigned: true });
    expect(headers.Authorization).toBeUndefined();
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    expect(() => signedRequest({ service: 'dynamodb', target: 'DynamoDB_20120810.GetItem', jsonVersion: '1.0', body: {} })).toThrow(/credentials/);
  });
});

describe('awsJson against a scripted endpoint', () => {
  async function endpoint(answers: { status: number; body: unknown }[]) {
    const { createServer } = await import('node:http');
    const seen: { target: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ target: String(req.headers['x-amz-target']), body });
        const a = answers[Math.min(seen.length - 1, answers.length - 1)]!;
        res.writeHead(a.status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(a.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(r)) };
  }

  beforeEach(() => vi.useRealTimers());

  it('answers the JSON body, and names a service error as the service does, with its fields', async () => {
    const { awsJson, AwsServiceError } = await import('../../../functions/adapters/aws/json-client.ts');
    const ok = await endpoint([{ status: 200, body: { Item: { PK: { S: 'a' } } } }]);
    expect(await awsJson({ service: 'dynamodb', target: 'DynamoDB_20120810.GetItem', jsonVersion: '1.0', body: { TableName: 't' }, endpoint: ok.url })).toEqual({ Item: { PK: { S: 'a' } } });
    expect(ok.seen).toEqual([{ target: 'DynamoDB_20120810.GetItem', body: '{"TableName":"t"}' }]);
    await ok.close();

    const refused = await endpoint([{ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed', Item: { v: { N: '1' } } } }]);
    const e = await awsJson({ service: 'dynamodb', target: 'DynamoDB_20120810.UpdateItem', jsonVersion: '1.0', body: {}, endpoint: refused.url }).catch((x) => x);
    expect(e).toBeInstanceOf(AwsServiceError);
    expect([e.name, e.message, e.status, e.body.Item]).toEqual(['ConditionalCheckFailedException', 'The conditional request failed', 400, { v: { N: '1' } }]);
    expect(refused.seen).toHaveLength(1); // a refused condition is not retried
    await refused.close();
  });

  it('retries throttling and 5xx with backoff, then gives up after 4 tries', async () => {
    const { awsJson } = await import('../../../functions/adapters/aws/json-client.ts');
    const flaky = await endpoint([
      { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' } },
      { status: 500, body: { __type: 'InternalServerError', message: 'oops' } },
      { status: 200, body: { Count: 0 } },
    ]);
    expect(await awsJson({ service: 'dynamodb', target: 'DynamoDB_20120810.Query', jsonVersion: '1.0', body: {}, endpoint: flaky.url })).toEqual({ Count: 0 });
    expect(flaky.seen).toHaveLength(3);
    await flaky.close();

    const down = await endpoint([{ status: 503, body: { __type: 'ServiceUnavailable', message: 'down' } }]);
    const e = await awsJson({ service: 'dynamodb', target: 'DynamoDB_20120810.Query', jsonVersion: '1.0', body: {}, endpoint: down.url }).catch((x) => x);
    expect([e.name, down.seen.length]).toEqual(['ServiceUnavailable', 4]);
    await down.close();
  });
});
