// Hands a job to whatever runs jobs. On AWS: a message on the jobs queue (JOB_QUEUE_URL), read by
// the jobs worker (handlers/jobs-worker.ts). Locally: the in-process runner (functions/local/jobs.ts)
// registers itself here. With neither (a unit of code run on its own), the job waits in the table
// until a runner picks it up.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { JobQueue } from '../../app/job-ports.ts';
import { optionalEnv } from '../config.ts';

const LOCAL = Symbol.for('cuoc-thi.local-job-runner');
type LocalRunner = (jobId: string) => void;
const slot = globalThis as typeof globalThis & { [LOCAL]?: LocalRunner };

/** Local mode: the runner that picks up jobs in this process. */
export function registerLocalRunner(runner: LocalRunner | undefined): void {
  slot[LOCAL] = runner;
}

let sqs: SQSClient | undefined;

export const jobQueue: JobQueue = {
  async enqueue(jobId) {
    const url = optionalEnv('JOB_QUEUE_URL');
    if (url) {
      sqs ??= new SQSClient({});
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ jobId }) }));
      return;
    }
    slot[LOCAL]?.(jobId);
  },
};
