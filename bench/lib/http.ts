// A lean keep-alive HTTP client for the load phases: node:http with a bounded socket pool (one
// socket per simulated participant in flight), no compression, JSON in and out, timing per call.
import { Agent, request } from 'node:http';

export interface HttpResult<T = any> {
  status: number;
  body: T;
  ms: number;
  bytes: number;
}

export function httpClient(baseUrl: string, maxSockets: number) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });

  function call<T = any>(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; raw?: string } = {}): Promise<HttpResult<T>> {
    const payload =
      options.raw !== undefined ? Buffer.from(options.raw) : options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string | number> = { accept: 'application/json', ...options.headers };
    if (payload) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = payload.length;
    }
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method, path, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const text = buf.toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: body as T, ms: performance.now() - t0, bytes: buf.length });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  return {
    call,
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>('GET', path, { headers }),
    async login(email: string, password: string): Promise<string> {
      const res = await call('POST', '/api/auth/login', { body: { email, password } });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
    close: () => agent.destroy(),
  };
}

export type HttpClient = ReturnType<typeof httpClient>;

/** `CODE` of the contract's error envelope, or the bare status. */
export function errorCode(res: HttpResult): string {
  const code = (res.body as { error?: { code?: string } } | undefined)?.error?.code;
  return `${res.status}${code ? ` ${code}` : ''}`;
}

/** A published contest of 15 imported questions (10 an attempt, 3 attempts, a prediction) that opened two weeks ago. */
export async function createPublishedContest(http: HttpClient, auth: Record<string, string>, title: string, units: string[], villages: string[], now: number): Promise<string> {
  const created = await http.call('POST', '/api/admin/contests', {
    headers: auth,
    body: {
      title,
      startsAt: new Date(now - 14 * 86_400_000).toISOString(),
      endsAt: new Date(now + 30 * 86_400_000).toISOString(),
      questionsPerAttempt: 10,
      timeLimitSec: 600,
      maxAttempts: 3,
      unitIds: units,
      villages,
      prediction: { prompt: 'Bao nhiêu người sẽ tham gia?' },
    },
  });
  if (created.status !== 201) throw new Error(`create contest: ${created.status} ${JSON.stringify(created.body)}`);
  const contestId = created.body.id as string;
  const csv = ['question,a,b,c,d,correct', ...Array.from({ length: 15 }, (_, i) => `Câu ${i + 1}: chọn phương án đúng?,Đúng ${i + 1},Sai ${i + 1}a,Sai ${i + 1}b,Sai ${i + 1}c,A`)].join('\n');
  const imported = await http.call('POST', `/api/admin/contests/${contestId}/questions/import`, { headers: { ...auth, 'content-type': 'text/csv' }, raw: csv });
  if (imported.status !== 200) throw new Error(`import questions: ${imported.status} ${JSON.stringify(imported.body)}`);
  const published = await http.call('POST', `/api/admin/contests/${contestId}/publish`, { headers: auth });
  if (published.status !== 200) throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`);
  return contestId;
}
