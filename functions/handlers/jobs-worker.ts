// The jobs worker (AWS): an SQS message `{jobId}` runs that job's steps from its checkpoint until it
// ends or the invocation nears its timeout; then the job is enqueued again for the next invocation.
// A step that throws fails the message, which SQS redelivers after its visibility timeout (the
// job counts its failures and fails itself after MAX_STEP_FAILURES); a message that keeps failing
// goes to the dead-letter queue, which alarms (infra/constructs/jobs.ts).
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { serviceErrorFields } from '../adapters/aws/settings.ts';
import { logger } from '../adapters/http/api.ts';
import { jobQueue } from '../adapters/jobs/queue.ts';
import { jobCases } from './composition-jobs.ts';

/** Time kept for the step in flight and its checkpoint: no step of ours is allowed to take longer. */
export const YIELD_BEFORE_TIMEOUT_MS = 180_000;

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const { jobId } = JSON.parse(record.body) as { jobId: string };
      const job = await jobCases.run(jobId, { shouldYield: () => context.getRemainingTimeInMillis() < YIELD_BEFORE_TIMEOUT_MS });
      if (job && (job.status === 'queued' || job.status === 'running')) await jobQueue.enqueue(jobId);
      if (job?.status === 'failed') logger.error('Job failed', { jobId, kind: job.kind, contestId: job.contestId, error: job.error });
    } catch (error) {
      logger.error('Job step failed; the message will be retried', { error: error as Error, messageId: record.messageId, ...serviceErrorFields(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
