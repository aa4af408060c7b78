// Consumed capacity per participant. The handlers are imported into this process the way
// functions/local/main.ts does (environment first: the adapters read it at load time), a
// middleware on the shared `ddb` client asks every command for ReturnConsumedCapacity and adds
// up what DynamoDB Local answers, and participants are driven with API Gateway v2 events.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { FunctionGroup } from '../../functions/adapters/http/routes.ts';
import { matchRoute } from '../../functions/adapters/http/routes.ts';
import { fullName, phone, randomAnswers, split, viewerHeaders, type PublicQuestion } from './people.ts';
import { forEachLimit, round, summarize, type Summary } from './stats.ts';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

interface ConsumedCapacity {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

export interface RouteUsage {
  calls: number;
  rcu: number;
  wcu: number;
  /** Write units spent on the leaderboard / openAttempts indexes (included in wcu). */
  indexWcu: Record<string, number>;
  readRequests: number;
  /** Write requests counted per item: a TransactWriteItems of 3 items counts 3. */
  writeRequests: number;
  /** DynamoDB API calls by command name. */
  commands: Record<string, number>;
  /** Calls by command and the kind of key they touch, e.g. `GetItem CONTESTS`, `TransactWriteItems ATTEMPT+PERSON+CONTEST`. */
  targets: Record<string, number>;
  /** Failed calls by error name (condition failures, transaction conflicts...). */
  failures: Record<string, number>;
  durationsMs: number[];
  /** Time spent waiting on DynamoDB (local-only calls included), summed over calls. */
  ddbMs: number;
  /** Calls whose answer carried no ConsumedCapacity. */
  unreported: number;
  /**
   * Calls made only in local mode (client.ts reads `PK=#, SK=commit-barrier` after each transaction
   * so that DynamoDB Local has committed before the 2xx): counted here, left out of the AWS figures.
   */
  localOnly: number;
}

const emptyUsage = (): RouteUsage => ({
  calls: 0,
  rcu: 0,
  wcu: 0,
  indexWcu: {},
  readRequests: 0,
  writeRequests: 0,
  commands: {},
  targets: {},
  failures: {},
  durationsMs: [],
  ddbMs: 0,
  unreported: 0,
  localOnly: 0,
});

/** The entity a key belongs to: the partition key up to its first `#` (`ATTEMPT`, `PERSON`, `CONTEST`...), or the index queried. */
function keyKind(input: Record<string, any>): string {
  const pk = (k: unknown) => (typeof k === 'string' ? k.split('#')[0]! : '?');
  if (input.IndexName) return `index ${input.IndexName}`;
  if (input.Key) return pk(input.Key.PK);
  if (input.Item) return pk(input.Item.PK);
  if (input.ExpressionAttributeValues?.[':pk']) return pk(input.ExpressionAttributeValues[':pk']);
  if (input.TransactItems) {
    return input.TransactItems.map((t: Record<string, any>) => {
      const op = Object.values(t)[0] as Record<string, any>;
      return pk(op.Key?.PK ?? op.Item?.PK);
    }).join('+');
  }
  return '?';
}

function writeItems(command: string, input: Record<string, any>): number {
  if (command === 'TransactWriteItemsCommand') return input.TransactItems?.length ?? 1;
  if (command === 'BatchWriteItemCommand') return Object.values<unknown[]>(input.RequestItems ?? {}).reduce((s, l) => s + l.length, 0);
  return 1;
}

export interface InProcess {
  invoke(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; staff?: boolean }): Promise<{ status: number; body: any }>;
  /** Runs `fn` with every DynamoDB call it makes charged to `bucket`. */
  measure<T>(bucket: RouteUsage, fn: () => Promise<T>): Promise<T>;
}

export async function loadInProcess(env: Record<string, string>): Promise<InProcess> {
  Object.assign(process.env, env);
  const { ddb } = await import('../../functions/adapters/dynamodb/client.ts');
  const handlers = new Map<FunctionGroup, Handler>();
  const als = new AsyncLocalStorage<RouteUsage>();

  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const usage = als.getStore();
      if (!usage) return next(args);
      const input = args.input as Record<string, any>;
      const command = context.commandName ?? 'unknown';
      const t0 = performance.now();
      if (input.Key?.PK === '#' && input.Key?.SK === 'commit-barrier') {
        usage.localOnly++;
        try {
          return await next(args);
        } finally {
          usage.ddbMs += performance.now() - t0;
        }
      }
      // INDEXES = TOTAL plus the split between the table and each index.
      input.ReturnConsumedCapacity = 'INDEXES';
      usage.commands[command] = (usage.commands[command] ?? 0) + 1;
      const target = `${command.replace(/Command$/, '')} ${keyKind(input)}`;
      usage.targets[target] = (usage.targets[target] ?? 0) + 1;
      const isRead = READS.has(command);
      if (isRead) usage.readRequests++;
      else usage.writeRequests += writeItems(command, input);
      try {
        const out = await next(args);
        const raw = (out.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
        const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
        if (list.length === 0) usage.unreported++;
        for (const c of list) {
          const units = c.CapacityUnits ?? 0;
          if (isRead) usage.rcu += units;
          else {
            usage.wcu += units;
            for (const [name, idx] of Object.entries(c.GlobalSecondaryIndexes ?? {})) usage.indexWcu[name] = (usage.indexWcu[name] ?? 0) + (idx.CapacityUnits ?? 0);
          }
        }
        return out;
      } catch (e) {
        const name = (e as Error).name ?? 'Error';
        usage.failures[name] = (usage.failures[name] ?? 0) + 1;
        throw e;
      } finally {
        usage.ddbMs += performance.now() - t0;
      }
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );

  async function handlerFor(group: FunctionGroup): Promise<Handler> {
    let h = handlers.get(group);
    if (!h) {
      h = (await import(`../../functions/handlers/${group}.ts`)).handler as Handler;
      handlers.set(group, h);
    }
    return h;
  }

  return {
    async invoke(method, path, options = {}) {
      const url = new URL(path, 'http://localhost');
      const match = matchRoute(method, url.pathname);
      if (!match.route) throw new Error(`no route ${method} ${url.pathname}`);
      const event = apiEvent(method, url, match.route.method + ' ' + match.route.path, match.pathParameters, options);
      const handler = await handlerFor(match.route.group);
      const res = await handler(event, lambdaContext(match.route.group));
      let body: unknown = res.body;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.statusCode ?? 200, body };
    },
    measure: (bucket, fn) => als.run(bucket, fn),
  };
}

/** An API Gateway HTTP API payload v2 event, as the local gateway and bundle-invoke.test.ts build it. */
export function apiEvent(
  method: string,
  url: URL,
  routeKey: string,
  pathParameters: Record<string, string>,
  options: { body?: unknown; headers?: Record<string, string>; staff?: boolean; raw?: string } = {},
): APIGatewayProxyEventV2 {
  const query = Object.fromEntries(url.searchParams);
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: { 'content-type': 'application/json', host: 'bench.local', ...options.headers },
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'bench' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(options.staff ? { authorizer: { jwt: { claims: { sub: 'bench-admin', email: 'admin@example.com', 'cognito:groups': '[admin]' }, scopes: null } } } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    isBase64Encoded: false,
  };
}

export function lambdaContext(group: string): Context {
  const deadline = Date.now() + 10_000;
  return { functionName: `bench-${group}`, awsRequestId: randomUUID(), getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
}

export interface CapacityRoute {
  calls: number;
  rcuPerCall: number;
  wcuPerCall: number;
  indexWcuPerCall: Record<string, number>;
  readRequestsPerCall: number;
  /** Local-mode-only reads per call (not in the AWS figures). */
  localOnlyReadsPerCall: number;
  writeRequestsPerCall: number;
  commandsPerCall: Record<string, number>;
  targetsPerCall: Record<string, number>;
  failures: Record<string, number>;
  duration: Summary;
  /** Mean ms per call waiting on DynamoDB; the rest of `duration` is the handler's own work (sequential runs only). */
  dynamodbMsPerCall: number;
}

export interface CapacityResult {
  method: string;
  participants: number;
  perParticipant: { rcu: number; wcu: number; readRequests: number; localOnlyReads: number; writeRequests: number; lambdaInvocations: number; lambdaBilledMs: number };
  routes: Record<string, CapacityRoute>;
  unreported: number;
  errors: number;
  errorCodes: Record<string, number>;
}

const ROUTE_KEYS = {
  start: 'POST /api/contests/{contestId}/attempts',
  save: 'PUT /api/attempts/{attemptId}/answers',
  submit: 'POST /api/attempts/{attemptId}/submit',
};

function perCall(u: RouteUsage): CapacityRoute {
  const n = Math.max(1, u.calls);
  return {
    calls: u.calls,
    rcuPerCall: round(u.rcu / n, 3),
    wcuPerCall: round(u.wcu / n, 3),
    indexWcuPerCall: Object.fromEntries(Object.entries(u.indexWcu).map(([k, v]) => [k, round(v / n, 3)])),
    readRequestsPerCall: round(u.readRequests / n, 3),
    localOnlyReadsPerCall: round(u.localOnly / n, 3),
    writeRequestsPerCall: round(u.writeRequests / n, 3),
    commandsPerCall: Object.fromEntries(Object.entries(u.commands).map(([k, v]) => [k.replace(/Command$/, ''), round(v / n, 3)])),
    targetsPerCall: Object.fromEntries(Object.entries(u.targets).map(([k, v]) => [k, round(v / n, 3)])),
    failures: u.failures,
    duration: summarize(u.durationsMs),
    dynamodbMsPerCall: round(u.ddbMs / n, 2),
  };
}

/**
 * Drives `participants` people (start, two autosaves, submit) through the in-process handlers,
 * `concurrency` at a time, charging every DynamoDB call to its route.
 */
export async function measureCapacity(ip: InProcess, contestId: string, units: string[], villages: string[], participants: number, concurrency: number, prefix: 3 | 5 | 7 | 8 | 9, offset = 0): Promise<CapacityResult> {
  const usage = { start: emptyUsage(), save: emptyUsage(), submit: emptyUsage() };
  const errorCodes: Record<string, number> = {};
  const fail = (what: string) => (errorCodes[what] = (errorCodes[what] ?? 0) + 1);
  let completed = 0;

  async function timed(kind: keyof typeof usage, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> }) {
    const bucket = usage[kind];
    const t0 = performance.now();
    const res = await ip.measure(bucket, () => ip.invoke(method, path, options));
    bucket.durationsMs.push(performance.now() - t0);
    bucket.calls++;
    return res;
  }

  await forEachLimit(participants, concurrency, async (k) => {
    const i = offset + k;
    const start = await timed('start', 'POST', `/api/contests/${contestId}/attempts`, {
      headers: viewerHeaders(i),
      body: { fullName: fullName(i), phone: phone(prefix, i), unitId: units[i % units.length], village: villages[i % villages.length], birthYear: 1980, consent: true },
    });
    if (start.status !== 201) return void fail(`start ${start.status} ${start.body?.error?.code ?? ''}`);
    const { attemptId, attemptToken, questions } = start.body as { attemptId: string; attemptToken: string; questions: PublicQuestion[] };
    const headers = { 'x-attempt-token': attemptToken };
    const answers = randomAnswers(questions);
    for (const part of split(answers)) {
      const saved = await timed('save', 'PUT', `/api/attempts/${attemptId}/answers`, { headers, body: { answers: part } });
      if (saved.status !== 200) return void fail(`save ${saved.status} ${saved.body?.error?.code ?? ''}`);
    }
    const submitted = await timed('submit', 'POST', `/api/attempts/${attemptId}/submit`, { headers, body: { answers, prediction: 1234 } });
    if (submitted.status !== 200) return void fail(`submit ${submitted.status} ${submitted.body?.error?.code ?? ''}`);
    completed++;
  });

  const all = [usage.start, usage.save, usage.submit];
  const sum = (f: (u: RouteUsage) => number) => all.reduce((s, u) => s + f(u), 0);
  const n = Math.max(1, completed);
  return {
    method: 'ReturnConsumedCapacity=INDEXES as DynamoDB Local answers it (table + GSI units); local-mode-only commit-barrier reads left out',
    participants: completed,
    perParticipant: {
      rcu: round(sum((u) => u.rcu) / n, 3),
      wcu: round(sum((u) => u.wcu) / n, 3),
      readRequests: round(sum((u) => u.readRequests) / n, 3),
      localOnlyReads: round(sum((u) => u.localOnly) / n, 3),
      writeRequests: round(sum((u) => u.writeRequests) / n, 3),
      lambdaInvocations: round(sum((u) => u.calls) / n, 3),
      // Lambda bills each invocation rounded up to the next millisecond.
      lambdaBilledMs: round(sum((u) => u.durationsMs.reduce((s, ms) => s + Math.ceil(ms), 0)) / n, 1),
    },
    routes: { [ROUTE_KEYS.start]: perCall(usage.start), [ROUTE_KEYS.save]: perCall(usage.save), [ROUTE_KEYS.submit]: perCall(usage.submit) },
    unreported: sum((u) => u.unreported),
    errors: Object.values(errorCodes).reduce((s, v) => s + v, 0),
    errorCodes,
  };
}

/** Capacity and DynamoDB calls of one read route, averaged over `calls` invocations. */
export async function measureReadRoute(ip: InProcess, method: string, path: string, calls: number, staff = false): Promise<CapacityRoute & { status: number }> {
  const bucket = emptyUsage();
  let status = 0;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    const res = await ip.measure(bucket, () => ip.invoke(method, path, { staff }));
    bucket.durationsMs.push(performance.now() - t0);
    bucket.calls++;
    status = res.status;
  }
  return { ...perCall(bucket), status };
}
