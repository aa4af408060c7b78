// The stream consumer applies item changes to the counters exactly once, against DynamoDB Local:
// a batch delivered again (whole, or from its first record with more records after it, as Lambda
// and the local poller redeliver after a failure) changes nothing it already applied, also when
// the first records of a batch change no counter and when a batch is split into several
// transactions. The counters are compared with the sum of the changes computed apart.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ItemChange } from '../../functions/app/aggregates.ts';
import { addAggregates, emptyAggregate, personContribution, type ContestAggregate } from '../../functions/domain/aggregate.ts';
import { apiClient } from '../helpers/api.ts';
import { createOpenContest, createUnit, eventually, expectStatus, startAttempt } from '../helpers/contest.ts';
import { ADMIN, functionEnv, type Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

let server: Stack;
let applyChanges: (changes: readonly ItemChange[]) => Promise<number>;
/** Items the village counters are hashed over (adapters/dynamodb/aggregates.ts). */
let VILLAGE_ITEMS: number;
let handler: (event: DynamoDBStreamEvent, context?: { getRemainingTimeInMillis(): number }) => Promise<DynamoDBBatchResponse>;
let aggregate: (contestId: string) => Promise<ContestAggregate>;

beforeAll(async () => {
  server = await sharedServer();
  // The adapters read their configuration at load: point them at the server's DynamoDB Local first.
  Object.assign(process.env, functionEnv(server));
  ({ applyChanges, VILLAGE_ITEMS } = await import('../../functions/adapters/dynamodb/aggregates.ts'));
  ({ handler } = await import('../../functions/handlers/stream.ts'));
  const { standingsStore } = await import('../../functions/adapters/dynamodb/standings.ts');
  aggregate = (contestId) => standingsStore.aggregate(contestId);
});

let seq = 1000;
/** A person scored for the first time (INSERT), in `village`, with `correct` right. */
function scored(contestId: string, n: number, village: string, correct = n % 5): ItemChange {
  seq++;
  return {
    eventID: `${contestId}-e${seq}`,
    sequenceNumber: String(seq).padStart(21, '0'),
    newImage: {
      entity: 'person',
      contestId,
      phone: `09${String(n).padStart(8, '0')}`,
      unitId: `u${n % 3}`,
      village,
      best: { correctCount: correct },
      firstScoredAt: '2026-11-20T03:00:00.000Z',
    },
  };
}
/** A change that moves no counter (an autosave of an open attempt). */
function autosave(contestId: string): ItemChange {
  seq++;
  const open = { entity: 'attempt', contestId, status: 'open' };
  return { eventID: `${contestId}-e${seq}`, sequenceNumber: String(seq).padStart(21, '0'), oldImage: open, newImage: { ...open, ans: { q1: 'A' } } };
}

const expected = (changes: ItemChange[]) =>
  changes.reduce((sum, c) => addAggregates(sum, personContribution(c.newImage as never)), emptyAggregate());

describe('stream consumer: exactly once', () => {
  it('a batch delivered twice, or again with more records after it, is counted once', async () => {
    const contestId = 'stream-a';
    const batch = [autosave(contestId), autosave(contestId), ...Array.from({ length: 6 }, (_, i) => scored(contestId, i, 'Thôn 1'))];
    const more = [autosave(contestId), ...Array.from({ length: 5 }, (_, i) => scored(contestId, 10 + i, 'Thôn 2'))];
    expect(await applyChanges(batch)).toBe(1);
    expect(await applyChanges(batch)).toBe(0);
    // Redelivered from the same first record, with the records that arrived since.
    expect(await applyChanges([...batch, ...more])).toBe(1);
    // Then from the start of the second delivery's own chunk, and with an autosave first.
    expect(await applyChanges(more)).toBe(0);
    expect(await aggregate(contestId)).toEqual(expected([...batch, ...more]));
  });

  it('a batch too large for one transaction is split, and a redelivery skips every part it applied', async () => {
    const contestId = 'stream-b';
    // ~250 villages per village counter item: more ADDs than one item takes in a transaction, so several transactions.
    const batch = Array.from({ length: VILLAGE_ITEMS * 250 }, (_, i) => scored(contestId, i, `Thôn ${i}`));
    const parts = await applyChanges(batch);
    expect(parts).toBeGreaterThan(1);
    expect(await applyChanges(batch)).toBe(0);
    expect(await applyChanges(batch.slice(0, 700))).toBe(0);
    const agg = await aggregate(contestId);
    expect(agg).toEqual(expected(batch));
    expect(Object.keys(agg.villages)).toHaveLength(VILLAGE_ITEMS * 250);
  });

  it('counts an erasure (a delete) as the person leaving, and a retention delete (marked purged) as nothing', async () => {
    const contestId = 'stream-c';
    const people = Array.from({ length: 4 }, (_, i) => scored(contestId, i, 'Thôn 1', 3));
    await applyChanges(people);
    seq++;
    const erased: ItemChange = { eventID: `${contestId}-e${seq}`, sequenceNumber: String(seq).padStart(21, '0'), oldImage: people[0]!.newImage };
    seq++;
    const purged: ItemChange = {
      eventID: `${contestId}-e${seq}`,
      sequenceNumber: String(seq).padStart(21, '0'),
      oldImage: { ...people[1]!.newImage, purged: true },
    };
    await applyChanges([erased, purged]);
    const agg = await aggregate(contestId);
    expect(agg.participants).toBe(3);
    expect(agg.sumBestCorrect).toBe(9);
  });
});

/** The change as Lambda hands it to the consumer (images marshalled). */
const record = (c: ItemChange): DynamoDBRecord => ({
  eventID: c.eventID,
  eventName: c.oldImage ? (c.newImage ? 'MODIFY' : 'REMOVE') : 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: {
    SequenceNumber: c.sequenceNumber,
    ...(c.newImage ? { NewImage: marshall(c.newImage) as never } : {}),
    ...(c.oldImage ? { OldImage: marshall(c.oldImage) as never } : {}),
  },
});
const batchOf = (changes: ItemChange[]): DynamoDBStreamEvent => ({ Records: changes.map(record) });
/** A Lambda context whose time runs out after `calls` looks at the clock. */
const runningOut = (calls: number) => ({ getRemainingTimeInMillis: () => (calls-- > 0 ? 60_000 : 1_000) });

describe('stream consumer: partial batch responses and split batches', () => {
  it('a batch stopped part way names the first record not applied; delivered again from there, split in two, every change counts once', async () => {
    const contestId = 'stream-d';
    // More counters than one transaction holds: several chunks.
    const batch = Array.from({ length: VILLAGE_ITEMS * 250 }, (_, i) => scored(contestId, i, `Thôn ${i}`));
    const response = await handler(batchOf(batch), runningOut(1));
    expect(response.batchItemFailures).toHaveLength(1);
    const from = batch.findIndex((c) => c.sequenceNumber === response.batchItemFailures[0]!.itemIdentifier);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThan(batch.length);
    // Lambda bisects at the returned record and retries the rest, here in two halves.
    const rest = batch.slice(from);
    const middle = Math.floor(rest.length / 2);
    expect(await handler(batchOf(rest.slice(0, middle)))).toEqual({ batchItemFailures: [] });
    expect(await handler(batchOf(rest.slice(middle)))).toEqual({ batchItemFailures: [] });
    // And, without bisecting, the whole batch from its start again: nothing more.
    expect(await handler(batchOf(batch))).toEqual({ batchItemFailures: [] });
    expect(await aggregate(contestId)).toEqual(expected(batch));
  });

  it('a batch delivered in halves, then again whole (a retry after a lost answer), counts once', async () => {
    const contestId = 'stream-e';
    const batch = [autosave(contestId), ...Array.from({ length: 40 }, (_, i) => scored(contestId, i, `Thôn ${i % 7}`))];
    expect(await handler(batchOf(batch.slice(0, 17)))).toEqual({ batchItemFailures: [] });
    expect(await handler(batchOf(batch.slice(17)))).toEqual({ batchItemFailures: [] });
    expect(await handler(batchOf(batch))).toEqual({ batchItemFailures: [] });
    expect(await aggregate(contestId)).toEqual(expected(batch.filter((c) => c.newImage?.entity === 'person')));
  });

  it('out of time before anything: the whole batch is named, nothing applied', async () => {
    const contestId = 'stream-f';
    const batch = Array.from({ length: 5 }, (_, i) => scored(contestId, i, 'Thôn 1'));
    const response = await handler(batchOf(batch), runningOut(0));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: batch[0]!.sequenceNumber }]);
    expect((await aggregate(contestId)).participants).toBe(0);
    expect(await handler(batchOf(batch))).toEqual({ batchItemFailures: [] });
    expect(await aggregate(contestId)).toEqual(expected(batch));
  });
});

describe('stream consumer: a submit cut between its two writes', () => {
  it('is completed: the person gets the attempt, once, and the counters count it', async () => {
    const api = apiClient(server.baseUrl);
    const token = await api.login(ADMIN.email, ADMIN.password);
    const unitId = await createUnit(api, token, 'Hội Nông dân thôn Cut', 40);
    const contest = await createOpenContest(api, token, { unitIds: [unitId], bank: 5, questionsPerAttempt: 3, maxAttempts: 2 });
    const started = await startAttempt(api, contest.id, { fullName: 'Trần Thị Cắt', phone: '0912000111', unitId });
    expectStatus(started, 201);
    // The submit's first write (the commit point) lands, then the function dies before the person's.
    const { attemptStore } = await import('../../functions/adapters/dynamodb/attempts.ts');
    const open = (await attemptStore.getAttempt(started.body.attemptId))!;
    const outcome = { attemptId: open.id, correctCount: 2, questionCount: 3, durationMs: 5000, submittedAt: new Date().toISOString(), late: false, best: { correctCount: 2, durationMs: 5000 } };
    expect(await attemptStore.submitAttempt({ ...open, status: 'submitted', outcome, prediction: null })).toBe(true);
    expect((await attemptStore.getPerson(contest.id, '0912000111'))?.best).toBeUndefined();

    const results = await eventually(
      () => api.get(`/api/admin/contests/${contest.id}/results`, token),
      (res) => res.body.items?.length === 1,
    );
    expect(results.body.items).toMatchObject([{ phone: '0912000111', correctCount: 2, durationMs: 5000, attempts: 1 }]);
    const stats = await eventually(
      () => api.get(`/api/admin/contests/${contest.id}/stats`, token),
      (res) => res.body.participants === 1,
    );
    expect(stats.body).toMatchObject({ participants: 1, attempts: 1, scoreHistogram: [{ correctCount: 2, people: 1 }] });
    // A repeated submit finds it applied: still one attempt counted.
    const again = await api.call('POST', `/api/attempts/${open.id}/submit`, { headers: { 'x-attempt-token': started.body.attemptToken }, body: {} });
    expectStatus(again, 200);
    expect((await attemptStore.getPerson(contest.id, '0912000111'))?.scoredAttempts).toBe(1);
  });
});
