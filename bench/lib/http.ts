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
