// Background jobs and their checkpoints. Flow: app/jobs.ts -> this store -> the job item (version
// checked), its active marker, and the row pages an export ranks itself.
import type { FinalRow } from '../../app/contest-ports.ts';
import type { JobRecord, JobStore } from '../../app/job-ports.ts';
import { DeleteCommand, ddb, GetCommand, PutCommand, QueryCommand, tableName, TransactWriteCommand } from './client.ts';
import { batchWrite } from './batches.ts';
import { keys } from './keys.ts';
import { isConditionFailure, queryAll } from './query.ts';

/** Jobs (and an export's row pages) stay readable this long after they are created, then TTL removes them. */
export const JOB_TTL_DAYS = 30;

const expiresAt = (createdAt: string) => Math.floor(Date.parse(createdAt) / 1000) + JOB_TTL_DAYS * 86_400;
const ended = (job: JobRecord) => job.status === 'succeeded' || job.status === 'failed';

type Item = JobRecord & { PK: string; SK: string; entity: string; expiresAt: number };
const strip = ({ PK: _pk, SK: _sk, entity: _e, expiresAt: _x, ...rest }: Item): JobRecord => rest;

export const jobStore: JobStore & { rowTtl: (jobId: string) => Promise<number> } = {
  async create(job) {
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: { ...keys.job(job.id), entity: 'job', ...job, expiresAt: expiresAt(job.createdAt) }, ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName: tableName, Item: { ...keys.activeJob(job.id), entity: 'activeJob', jobId: job.id, kind: job.kind, expiresAt: expiresAt(job.createdAt) } } },
          ],
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  },

  async get(jobId) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.job(jobId), ConsistentRead: true }));
    return out.Item ? strip(out.Item as Item) : undefined;
  },

  async replace(job) {
    try {
      await ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.job(job.id), entity: 'job', ...job, expiresAt: expiresAt(job.createdAt) },
          ConditionExpression: 'version = :previous',
          ExpressionAttributeValues: { ':previous': job.version - 1 },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
    if (ended(job)) await this.dropActive(job.id);
    return true;
  },

  async dropActive(jobId) {
    await ddb.send(new DeleteCommand({ TableName: tableName, Key: keys.activeJob(jobId) }));
  },

  async active() {
    const { PK, SKPrefix } = keys.activeJobs();
    return (await queryAll<{ jobId: string }>(PK, SKPrefix, { ConsistentRead: true })).map((i) => i.jobId);
  },

  async putRowPages(jobId, firstPage, pages, run) {
    const ttl = await this.rowTtl(jobId);
    await batchWrite(pages.map((rows, i) => ({ PutRequest: { Item: { ...keys.jobRowsPage(jobId, firstPage + i, run), entity: 'jobRows', rows, expiresAt: ttl } } })));
  },

  async dropRowPages(jobId, fromPage, run) {
    const { PK, SKPrefix } = keys.jobRowsOf(jobId, run);
    const stale = await queryAll<{ PK: string; SK: string }>(PK, SKPrefix, { ProjectionExpression: 'PK, SK', ConsistentRead: true });
    const from = keys.jobRowsPage(jobId, fromPage, run).SK;
    await batchWrite(stale.filter((i) => i.SK >= from).map((i) => ({ DeleteRequest: { Key: { PK: i.PK, SK: i.SK } } })));
  },

  async rowPages(jobId, fromPage, maxPages, run) {
    return readPages(keys.jobRowsPage(jobId, fromPage, run), keys.jobRowsOf(jobId, run).SKPrefix, maxPages);
  },

  async rowTtl(jobId) {
    const job = await this.get(jobId);
    return expiresAt(job?.createdAt ?? new Date().toISOString());
  },
};

/** Pages of rows from `start` on (same partition, same prefix), at most `maxPages`, strongly consistent. */
export async function readPages(start: { PK: string; SK: string }, prefix: string, maxPages: number): Promise<FinalRow[][]> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': start.PK, ':from': start.SK, ':to': `${prefix}\uffff` },
      Limit: maxPages,
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => (i as { rows: FinalRow[] }).rows);
}
