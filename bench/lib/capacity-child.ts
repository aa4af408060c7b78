// Child process of the capacity phase (see capacity-phase.ts): argv = input JSON file, output JSON file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capacityDataDir, type CapacityPhaseInput, type CapacityPhaseOutput } from './capacity-phase.ts';
import { loadInProcess, measureCapacity, startConsumer, withConsumer, type CapacityResult } from './capacity.ts';
import { rawClient, tableLatency } from './floor.ts';
import { readCounters } from './seed.ts';
import { sleep } from './stats.ts';

const [inFile, outFile] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inFile!, 'utf8')) as CapacityPhaseInput;
const log = (msg: string) => console.error(`[bench +${((Date.now() - input.startedAt) / 1000).toFixed(0).padStart(4)} s] capacity: ${msg}`);


async function main(): Promise<CapacityPhaseOutput> {
  const { contestId, participants, concurrency } = input;
  // A DynamoDB Local of its own, on disk, started as local mode starts it (capacity-phase.ts says why).
  const { startDynamoDbLocal } = await import('../../functions/local/dynamodb-local.ts');
  const { freePort } = await import('../../functions/local/processes.ts');
  const t0 = performance.now();
  const endpoint = await startDynamoDbLocal({ dataDir: capacityDataDir(input.scratch), port: await freePort() });
  log(`own DynamoDB Local ready in ${Math.round(performance.now() - t0)} ms`);
  const env: Record<string, string> = { ...input.env, DYNAMODB_ENDPOINT: endpoint };
  const tableName = env.TABLE_NAME!;
  Object.assign(process.env, env);
  const errors: string[] = [];

  // The table as local mode creates it (createTableInput: stream on, NEW_AND_OLD_IMAGES).
  const { ensureTable } = await import('../../functions/local/table.ts');
  const streamArn = await ensureTable(endpoint, tableName);
  const ip = await loadInProcess(env);
  const { seed } = await import('../../functions/local/seed.ts');
  await seed({ admin: { id: 'bench-capacity-admin', email: input.adminEmail }, demo: true });
  const demo = await ip.invoke('GET', `/api/contests/${contestId}`);
  if (demo.status !== 200) throw new Error(`demo contest in ${tableName}: ${demo.status}`);
  const units = demo.body.units.map((u: { id: string }) => u.id) as string[];
  const villages = demo.body.villages as string[];

  const consumer = await startConsumer(ip, { endpoint, streamArn, positionFile: join(input.scratch, 'capacity-stream-positions.json') });
  // The seed's own records (contest, questions, units) change no counter: drained, not charged.
  consumer.begin();
  await consumer.end(1);

  const raw = rawClient(endpoint, 4);
  const latency = (await tableLatency(raw, [tableName]))[tableName]!;
  log(`its DynamoDB Local one call at a time: PutItem ${latency.putMs} ms, GetItem ${latency.getMs} ms`);
  const expected = { participants: 0, attempts: 0 };
  /** How far above `expected` the counters may be: submits that answered an error but may have committed. */
  const slack = { participants: 0, attempts: 0 };
  let actual = { participants: 0, attempts: 0 };
  async function run(what: string, n: number, c: number, offset: number, newPeople: boolean): Promise<CapacityResult> {
    log(`${what}...`);
    consumer.begin();
    const result = await measureCapacity(ip, contestId, units, villages, n, c, 5, offset);
    const used = await consumer.end(result.participants);
    expected.attempts += result.participants;
    if (newPeople) expected.participants += result.participants;
    // A submit that answered an error may still have committed (its attempt write is the commit
    // point; the consumer then completes its person): each can add one attempt, and one participant.
    const failedSubmits = Object.entries(result.errorCodes).reduce((sum, [code, count]) => sum + (code.startsWith('submit') ? count : 0), 0);
    slack.attempts += failedSubmits;
    if (newPeople) slack.participants += failedSubmits;
    // The counters must now hold what was scored: the consumer has handled every record.
    const within = (a: typeof actual) =>
      a.participants >= expected.participants && a.participants <= expected.participants + slack.participants && a.attempts >= expected.attempts && a.attempts <= expected.attempts + slack.attempts;
    actual = await readCounters(raw, tableName, contestId);
    for (let i = 0; i < 100 && !within(actual); i++) {
      await sleep(100);
      actual = await readCounters(raw, tableName, contestId);
    }
    if (!within(actual)) {
      const range = (k: 'participants' | 'attempts') => (slack[k] ? `${expected[k]}-${expected[k] + slack[k]}` : String(expected[k]));
      errors.push(`capacity ${what}: counters ${JSON.stringify(actual)} after the consumer drained, expected participants ${range('participants')}, attempts ${range('attempts')}`);
    }
    const total = withConsumer(result, used);
    log(
      `${what}: request path ${total.requestPath.wcu} WCU, ${total.requestPath.rcu} RCU; stream consumer +${used.perParticipant.wcu} WCU, +${used.perParticipant.rcu} RCU ` +
        `per participant (${used.batches} batches of ${used.recordsPerBatch.mean} records on average, drained ${used.catchUpMs} ms after the last request)`,
    );
    return total;
  }

  const capacity = await run(`${participants} participants through the handlers, one at a time`, participants, 1, 0, true);
  const contended = await run(`the same at concurrency ${concurrency}`, Math.max(participants, concurrency * 2), concurrency, 10_000_000, true);
  const repeat = await run(`a second attempt by ${Math.round(participants / 3)} of the same people, one at a time`, Math.round(participants / 3), 1, 0, false);
  for (const [what, c] of [['capacity', capacity], ['capacity at concurrency', contended], ['capacity of second attempts', repeat]] as const) {
    if (c.errors) errors.push(`${what}: ${c.errors} errors ${JSON.stringify(c.errorCodes)}`);
  }
  await consumer.stop();
  raw.destroy();
  return { tableName, capacity, contended, repeat, latency, counters: { expected, slack, actual }, errors };
}

const { stopAll } = await import('../../functions/local/processes.ts');
main()
  .then(async (out) => {
    writeFileSync(outFile!, JSON.stringify(out));
    await stopAll();
    process.exit(0);
  })
  .catch(async (e) => {
    console.error('capacity phase failed:', e);
    await stopAll();
    process.exit(1);
  });
