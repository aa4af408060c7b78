// The layout migration on AWS: a CloudFormation custom resource (infra/constructs/layout-migration.ts)
// invokes this once per deploy that raises the layout, before the API functions are updated, and
// the deploy waits for the answer. It runs the very migrations the local mode runs at start
// (functions/migrations/runner.ts). Within one invocation it works until 2 minutes before Lambda's
// timeout; if the table is not done by then it answers FAILED, the deploy rolls back, and the next
// deploy continues from the checkpoint the migration keeps in the table.
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { CURRENT_LAYOUT, runMigrations } from '../migrations/runner.ts';

const PHYSICAL_ID = 'layout-migration';

async function respond(event: CloudFormationCustomResourceEvent, status: 'SUCCESS' | 'FAILED', reason: string, data?: Record<string, string>) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason.slice(0, 3000),
    PhysicalResourceId: PHYSICAL_ID,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(data ? { Data: data } : {}),
  });
  // The response URL is a presigned S3 URL: no content type, explicit length.
  const res = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
  if (!res.ok) throw new Error(`CloudFormation response refused: ${res.status}`);
}

export const handler = async (event: CloudFormationCustomResourceEvent, context: Context): Promise<void> => {
  if (event.RequestType === 'Delete') return respond(event, 'SUCCESS', 'nothing to undo: data stays in the current layout');
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    console.log(JSON.stringify({ level: 'INFO', message: `[migrate] ${line}` }));
  };
  try {
    const result = await runMigrations({ tableName: process.env.TABLE_NAME!, log, deadline: Date.now() + context.getRemainingTimeInMillis() - 120_000 });
    if (!result.done) return respond(event, 'FAILED', `layout migration paused at its checkpoint (time budget); deploy again to continue. ${lines.at(-1) ?? ''}`);
    return respond(event, 'SUCCESS', lines.join(' | ') || `layout ${CURRENT_LAYOUT}`, { Layout: String(result.to) });
  } catch (e) {
    console.error(JSON.stringify({ level: 'ERROR', message: '[migrate] failed', error: (e as Error).message }));
    return respond(event, 'FAILED', `layout migration failed: ${(e as Error).message}`);
  }
};
