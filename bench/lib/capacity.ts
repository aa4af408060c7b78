// Consumed capacity per participant. The handlers are imported into this process the way
// functions/local/main.ts does (environment first: the adapters read it at load time), a hook on
// the shared `ddb` client (`intercept`, a middleware on the SDK document client's stack) asks every call for ReturnConsumedCapacity and adds up what DynamoDB Local
// answers, and participants are driven with API Gateway v2 events. The
// table's stream consumer (handlers/stream.ts) runs here too, fed by local mode's own poller
// (functions/local/streams.ts), and its calls are charged to a bucket of their own.
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, DynamoDBStreamEvent } from 'aws-lambda';
import type { FunctionGroup } from '../../functions/adapters/http/routes.ts';
import { matchRoute } from '../../functions/adapters/http/routes.ts';
import { itemSize } from './item-size.ts';
import { fullName, phone, randomAnswers, split, viewerHeaders, type PublicQuestion } from './people.ts';
import { forEachLimit, round, summarize, type Summary } from './stats.ts';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Operations that read (by DynamoDB operation name, without the SDK's `Command` suffix). */
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** A key attribute's string, whether the hook sees plain values (SDK document client) or marshalled ones (`{ S: ... }`). */
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof (v as { S?: unknown })?.S === 'string' ? (v as { S: string }).S : undefined);

interface ConsumedCapacity {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

export interface RouteUsage {
  calls: number;
  rcu: number;
  wcu: number;
  /** Write units spent on global secondary indexes (the leaderboard index), by index (included in wcu). */
  indexWcu: Record<string, number>;
  readRequests: number;
  /** Write requests counted per item: a TransactWriteItems of 3 items counts 3. */
  writeRequests: number;
  /** DynamoDB API calls by command name. */
  commands: Record<string, number>;
  /** Calls by command and the kind of key they touch, e.g. `GetItem ATTEMPT`, `UpdateItem PEOPLE`, `TransactWriteItems STREAM+CONTEST+CONTEST`. */
  targets: Record<string, number>;
  /** Failed calls by error name (condition failures, transaction conflicts...). */
  failures: Record<string, number>;
  durationsMs: number[];
  /** Time spent waiting on DynamoDB (local-only calls included), summed over calls. */
  ddbMs: number;
  /** Calls whose answer carried no ConsumedCapacity. */
  unreported: number;
  /**
   * What DynamoDB Local reported for the TransactWriteItems calls (a diagnostic): it under-reports
   * them (2 units for a transaction of 5 small items, where DynamoDB charges 2 per item and KB), so
   * `wcu` counts transactions by DynamoDB's rule instead (transactionWcu).
   */
  reportedTransactionWcu: number;
  /** Write units of the TransactWriteItems calls by DynamoDB's rule (included in wcu). */
  transactionWcu: number;
  /**
   * Write units of conditional writes refused by their condition (included in wcu): DynamoDB bills
   * them by the item's size (at least 1), DynamoDB Local reports nothing for an error.
   */
  failedConditionWcu: number;
  /** Time the bench itself spent inside calls (sizing transaction items), taken out of durations. */
  overheadMs: number;
  /**
   * Calls made only in local mode (client.ts reads `PK=#, SK=commit-barrier` after each
   * TransactWriteItems so that DynamoDB Local has committed before it counts): counted here, left out
   * of the AWS figures. The request path makes none (it has no transaction); the stream consumer one
   * per aggregate transaction.
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
  reportedTransactionWcu: 0,
  transactionWcu: 0,
  failedConditionWcu: 0,
  overheadMs: 0,
  localOnly: 0,
});

/** Keys (PK, SK) and table of each item of a TransactWriteItems input (document-client form). */
function transactionKeys(input: Record<string, any>): { table: string; PK: string; SK: string }[] {
  return (input.TransactItems ?? []).map((t: Record<string, any>) => {
    const op = Object.values(t)[0] as Record<string, any>;
    const key = op.Key ?? op.Item;
    return { table: op.TableName, PK: str(key.PK)!, SK: str(key.SK)! };
  });
}

/**
 * DynamoDB's rule for a TransactWriteItems: 2 write units per item per started KB, the item's size
 * being the larger of before and after (every item of the transaction counted, a ConditionCheck
 * too: an upper bound for those; the consumer makes none). Sizes by item-size.ts. The items written
 * here (ledger, aggregate counters) carry no index keys, so no GSI share is added.
 */
export function transactionWcu(before: number[], after: number[]): number {
  return before.reduce((s, b, i) => s + 2 * Math.max(1, Math.ceil(Math.max(b, after[i] ?? 0) / 1024)), 0);
}

/** The entity a key belongs to: the partition key up to its first `#` (`ATTEMPT`, `PEOPLE`, `CONTEST`...), or the index queried. */
function keyKind(input: Record<string, any>): string {
  const pk = (k: unknown) => str(k)?.split('#')[0] ?? '?';
  if (input.IndexName) return `index ${input.IndexName}`;
  if (input.Key) return pk(input.Key.PK);
  if (input.Item) return pk(input.Item.PK);
  if (input.ExpressionAttributeValues?.[':pk']) return pk(input.ExpressionAttributeValues[':pk']);
  if (input.RequestItems) {
    // BatchGetItem / BatchWriteItem: the kinds of every key, once each.
    const kinds = new Set<string>();
    for (const req of Object.values<Record<string, any>>(input.RequestItems)) {
      for (const k of req.Keys ?? []) kinds.add(pk(k.PK));
      for (const w of Array.isArray(req) ? req : []) kinds.add(pk((w.PutRequest?.Item ?? w.DeleteRequest?.Key)?.PK));
    }
    return [...kinds].join('+') || '?';
  }
  if (input.TransactItems) {
    return input.TransactItems.map((t: Record<string, any>) => {
      const op = Object.values(t)[0] as Record<string, any>;
      return pk(op.Key?.PK ?? op.Item?.PK);
    }).join('+');
  }
  return '?';
}

function writeItems(command: string, input: Record<string, any>): number {
  if (command === 'TransactWriteItems') return input.TransactItems?.length ?? 1;
  if (command === 'BatchWriteItem') return Object.values<unknown[]>(input.RequestItems ?? {}).reduce((s, l) => s + l.length, 0);
  return 1;
}

export interface InProcess {
  invoke(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; staff?: boolean }): Promise<{ status: number; body: any }>;
  /** Runs `fn` with every DynamoDB call it makes charged to `bucket`. */
  measure<T>(bucket: RouteUsage, fn: () => Promise<T>): Promise<T>;
}

export async function loadInProcess(env: Record<string, string>): Promise<InProcess> {
  Object.assign(process.env, env);
  const { intercept } = await import('../../functions/adapters/dynamodb/client.ts');
  const handlers = new Map<FunctionGroup, Handler>();
  const als = new AsyncLocalStorage<RouteUsage>();
  // Sizes transaction items, outside the measured client (its calls are not charged to anyone).
  const sizer = new DynamoDBClient({
    endpoint: env.DYNAMODB_ENDPOINT,
    region: env.AWS_REGION ?? 'ap-southeast-1',
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local' },
  });
  const sizes = (keys: { table: string; PK: string; SK: string }[]) =>
    Promise.all(
      keys.map(async (k) => {
        const out = await sizer.send(new GetItemCommand({ TableName: k.table, Key: { PK: { S: k.PK }, SK: { S: k.SK } }, ConsistentRead: true }));
        return out.Item ? itemSize(out.Item) : 0;
      }),
    );

  /**
   * Charges one call to the current bucket: `command` = DynamoDB operation name, `input` its request
   * (plain or marshalled values), `next` sends it and returns the answer's JSON body.
   */
  async function account(command: string, input: Record<string, any>, next: (input: Record<string, any>) => Promise<Record<string, any>>): Promise<Record<string, any>> {
    const usage = als.getStore();
    if (!usage) return next(input);
    const t0 = performance.now();
    if (str(input.Key?.PK) === '#' && str(input.Key?.SK) === 'commit-barrier') {
      usage.localOnly++;
      try {
        return await next(input);
      } finally {
        usage.ddbMs += performance.now() - t0;
      }
    }
    usage.commands[command] = (usage.commands[command] ?? 0) + 1;
    const target = `${command} ${keyKind(input)}`;
    usage.targets[target] = (usage.targets[target] ?? 0) + 1;
    const isRead = READS.has(command);
    if (isRead) usage.readRequests++;
    else usage.writeRequests += writeItems(command, input);
    const isTransaction = command === 'TransactWriteItems';
    let overhead = 0;
    const sized = async (keys: { table: string; PK: string; SK: string }[]) => {
      const s0 = performance.now();
      try {
        return await sizes(keys);
      } finally {
        overhead += performance.now() - s0;
      }
    };
    const txKeys = isTransaction ? transactionKeys(input) : [];
    const before = isTransaction ? await sized(txKeys) : [];
    try {
      // INDEXES = TOTAL plus the split between the table and each index.
      const out = await next({ ...input, ReturnConsumedCapacity: 'INDEXES' });
      const raw = out.ConsumedCapacity as ConsumedCapacity | ConsumedCapacity[] | undefined;
      const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      if (list.length === 0) usage.unreported++;
      for (const c of list) {
        const units = c.CapacityUnits ?? 0;
        if (isRead) usage.rcu += units;
        else if (isTransaction) usage.reportedTransactionWcu += units;
        else {
          usage.wcu += units;
          for (const [name, idx] of Object.entries(c.GlobalSecondaryIndexes ?? {})) usage.indexWcu[name] = (usage.indexWcu[name] ?? 0) + (idx.CapacityUnits ?? 0);
        }
      }
      if (isTransaction) {
        const units = transactionWcu(before, await sized(txKeys));
        usage.wcu += units;
        usage.transactionWcu += units;
      }
      return out;
    } catch (e) {
      const name = (e as Error).name ?? 'Error';
      usage.failures[name] = (usage.failures[name] ?? 0) + 1;
      if (name === 'ConditionalCheckFailedException' && !isRead && !isTransaction) {
        // Billed by the existing item's size (ALL_OLD when the call asked for it, else read here), at least 1.
        const old = (e as { Item?: Record<string, AttributeValue> }).Item;
        const key = input.Key ?? input.Item;
        const size = old ? itemSize(old) : key ? (await sized([{ table: input.TableName, PK: str(key.PK)!, SK: str(key.SK)! }]))[0]! : 0;
        const units = Math.max(1, Math.ceil(size / 1024));
        usage.wcu += units;
        usage.failedConditionWcu += units;
      }
      throw e;
    } finally {
      usage.overheadMs += overhead;
      usage.ddbMs += performance.now() - t0 - overhead;
    }
  }

  // The product's client runs every call through its interceptors (`intercept`): document-level requests and answers.
  intercept((operation, input, next) => account(operation, input, next));

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
  /** DynamoDB Local's own figure for the TransactWriteItems calls (wcuPerCall counts them by DynamoDB's rule). */
  reportedTransactionWcuPerCall: number;
  /** Write units of its TransactWriteItems by DynamoDB's rule (included in wcuPerCall). */
  transactionWcuPerCall: number;
  /** Write units of its writes refused by their condition (included in wcuPerCall). */
  failedConditionWcuPerCall: number;
  commandsPerCall: Record<string, number>;
  targetsPerCall: Record<string, number>;
  failures: Record<string, number>;
  duration: Summary;
  /** Mean ms per call waiting on DynamoDB; the rest of `duration` is the handler's own work (sequential runs only). */
  dynamodbMsPerCall: number;
}

export interface PerParticipant {
  rcu: number;
  wcu: number;
  readRequests: number;
  localOnlyReads: number;
  writeRequests: number;
  lambdaInvocations: number;
  lambdaBilledMs: number;
}

export interface CapacityResult {
  method: string;
  participants: number;
  /** Request path plus the stream consumer (when it ran) amortized over the participants. */
  perParticipant: PerParticipant;
  /** The three routes only (start, autosaves, submit). */
  requestPath: PerParticipant;
  routes: Record<string, CapacityRoute>;
  /** The stream consumer's share of this phase, when it ran. */
  consumer?: ConsumerResult;
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
    reportedTransactionWcuPerCall: round(u.reportedTransactionWcu / n, 3),
    transactionWcuPerCall: round(u.transactionWcu / n, 3),
    failedConditionWcuPerCall: round(u.failedConditionWcu / n, 3),
    commandsPerCall: Object.fromEntries(Object.entries(u.commands).map(([k, v]) => [k.replace(/Command$/, ''), round(v / n, 3)])),
    targetsPerCall: Object.fromEntries(Object.entries(u.targets).map(([k, v]) => [k, round(v / n, 3)])),
    failures: u.failures,
    duration: summarize(u.durationsMs),
    dynamodbMsPerCall: round(u.ddbMs / n, 2),
  };
}

/** Totals of `buckets` divided by `participants`. */
function perParticipantOf(buckets: RouteUsage[], participants: number): PerParticipant {
  const sum = (f: (u: RouteUsage) => number) => buckets.reduce((s, u) => s + f(u), 0);
  const n = Math.max(1, participants);
  return {
    rcu: round(sum((u) => u.rcu) / n, 3),
    wcu: round(sum((u) => u.wcu) / n, 3),
    readRequests: round(sum((u) => u.readRequests) / n, 3),
    localOnlyReads: round(sum((u) => u.localOnly) / n, 3),
    writeRequests: round(sum((u) => u.writeRequests) / n, 3),
    lambdaInvocations: round(sum((u) => u.calls) / n, 3),
    // Lambda bills each invocation rounded up to the next millisecond.
    lambdaBilledMs: round(sum((u) => u.durationsMs.reduce((s, ms) => s + Math.ceil(ms), 0)) / n, 1),
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
    const o0 = bucket.overheadMs;
    const res = await ip.measure(bucket, () => ip.invoke(method, path, options));
    bucket.durationsMs.push(performance.now() - t0 - (bucket.overheadMs - o0));
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

  const requestPath = perParticipantOf([usage.start, usage.save, usage.submit], completed);
  const all = [usage.start, usage.save, usage.submit];
  const sum = (f: (u: RouteUsage) => number) => all.reduce((s, u) => s + f(u), 0);
  return {
    method:
      "ReturnConsumedCapacity=INDEXES as DynamoDB Local answers it (table + GSI units), except what it leaves out or under-reports, counted by DynamoDB's rules from the items' sizes: TransactWriteItems (2 WCU per item and KB) and writes refused by their condition (the item's size, at least 1 WCU); local-mode-only commit-barrier reads left out",
    participants: completed,
    perParticipant: requestPath,
    requestPath,
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

// --- the stream consumer -------------------------------------------------------------------------

export interface ConsumerResult {
  /** Handler invocations (one per stream batch, as Lambda's event source mapping makes them). */
  batches: number;
  records: number;
  recordsPerBatch: { mean: number; max: number };
  /** What one batch cost on average (calls = batches). */
  perBatch: CapacityRoute;
  /** Its RCU, WCU, calls, invocations and billed ms divided by the phase's participants. */
  perParticipant: PerParticipant;
  /** From the phase's last request to the poller having handled every record (drained). */
  catchUpMs: number;
}

export interface Consumer {
  /** Starts charging the consumer's calls to a fresh bucket. */
  begin(): void;
  /** Waits until every record written so far has been handled, and returns the bucket's figures. */
  end(participants: number): Promise<ConsumerResult>;
  stop(): Promise<void>;
}

/**
 * Runs the table's stream consumer in this process the way local mode does: functions/local/streams.ts
 * polls the table's stream and hands each batch to handlers/stream.ts, whose DynamoDB calls (through
 * the shared `ddb` client) are charged to the current bucket. The poller must be the stream's only
 * consumer: a second one would fold the same records into the counters again.
 */
export async function startConsumer(ip: InProcess, options: { endpoint: string; streamArn: string; positionFile: string }): Promise<Consumer> {
  const { handler } = (await import('../../functions/handlers/stream.ts')) as { handler: (event: DynamoDBStreamEvent) => Promise<unknown> };
  const { startStreamPoller } = await import('../../functions/local/streams.ts');
  let bucket = emptyUsage();
  let records = 0;
  let sizes: number[] = [];
  const poller = startStreamPoller({
    ...options,
    handler: async (event) => {
      const mine = bucket;
      const t0 = performance.now();
      const o0 = mine.overheadMs;
      await ip.measure(mine, () => handler(event));
      // Batches are handled one at a time: the overhead added meanwhile is this batch's own.
      mine.durationsMs.push(performance.now() - t0 - (mine.overheadMs - o0));
      mine.calls++;
      records += event.Records.length;
      sizes.push(event.Records.length);
    },
  });
  return {
    begin() {
      bucket = emptyUsage();
      records = 0;
      sizes = [];
    },
    async end(participants) {
      const t0 = performance.now();
      await poller.drained(120_000);
      const catchUpMs = performance.now() - t0;
      const mine = bucket;
      return {
        batches: mine.calls,
        records,
        recordsPerBatch: { mean: round(records / Math.max(1, mine.calls), 1), max: Math.max(0, ...sizes) },
        perBatch: perCall(mine),
        perParticipant: perParticipantOf([mine], participants),
        catchUpMs: Math.round(catchUpMs),
      };
    },
    stop: () => poller.stop(),
  };
}

/** The phase's figures with the consumer's share added to the per-participant totals. */
export function withConsumer(c: CapacityResult, consumer: ConsumerResult): CapacityResult {
  const a = c.requestPath;
  const b = consumer.perParticipant;
  const add = (k: keyof PerParticipant, digits = 3) => round(a[k] + b[k], digits);
  return {
    ...c,
    consumer,
    perParticipant: {
      rcu: add('rcu'),
      wcu: add('wcu'),
      readRequests: add('readRequests'),
      localOnlyReads: add('localOnlyReads'),
      writeRequests: add('writeRequests'),
      lambdaInvocations: add('lambdaInvocations'),
      lambdaBilledMs: add('lambdaBilledMs', 1),
    },
  };
}
