// Issue 12, background jobs on AWS: the queue and its worker, the private exports bucket, the
// grants (each function only what it does), and the alarms into the stage's topic.
import { rmSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineApp } from '../../infra/app.ts';
import { fakeWebDist } from '../helpers/web-dist.ts';
import { cdkContext } from './context.ts';

type Resource = { Type: string; Properties: Record<string, any> };
let resources: Record<string, Resource>;
let app: App;
let webDist: string;

beforeAll(() => {
  app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...cdkContext } });
  webDist = fakeWebDist();
  resources = Template.fromStack(defineApp(app, { webDist, nag: false }).api).toJSON().Resources;
});
afterAll(() => {
  rmSync(app.outdir, { recursive: true, force: true });
  rmSync(webDist, { recursive: true, force: true });
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const byPrefix = (type: string, prefix: string) => {
  const found = ofType(type).filter(([id]) => id.startsWith(prefix));
  expect(found, `${type} ${prefix}*`).toHaveLength(1);
  return found[0]!;
};
const ref = (id: string) => expect.objectContaining({ 'Fn::GetAtt': [id, 'Arn'] });
/** Every statement of the policies attached to the role of function `fnPrefix`. */
function statementsOf(fnPrefix: string): any[] {
  const [, fn] = byPrefix('AWS::Lambda::Function', fnPrefix);
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}
const actionsOf = (statements: any[]) => statements.flatMap((s) => [s.Action].flat());

describe('jobs bucket', () => {
  it('is private, encrypted, TLS only, and expires exports after 7 days', () => {
    const [id, bucket] = byPrefix('AWS::S3::Bucket', 'JobsExports');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: 'exports/', ExpirationInDays: 7, Status: 'Enabled' }),
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
      ]),
    );
    const [, policy] = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === id)!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });
});

describe('jobs queue and worker', () => {
  it('the worker reads the queue one job at a time, for up to 15 minutes, with a dead-letter queue', () => {
    const [workerId, worker] = byPrefix('AWS::Lambda::Function', 'JobsWorker');
    expect(worker.Properties.Timeout).toBe(900);
    const [queueId, queue] = byPrefix('AWS::SQS::Queue', 'JobsQueue');
    const [dlqId] = byPrefix('AWS::SQS::Queue', 'JobsDeadLetters');
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(900);
    expect(queue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: ref(dlqId), maxReceiveCount: 6 });
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) => m.Properties.FunctionName?.Ref === workerId)!;
    expect(mapping.Properties).toMatchObject({ BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'], EventSourceArn: ref(queueId) });
    expect(worker.Properties.Environment.Variables).toMatchObject({ EXPORT_BUCKET: expect.anything(), JOB_QUEUE_URL: expect.anything(), TABLE_NAME: expect.anything() });
  });

  it('grants: the worker writes exports; results only reads them; contests, results and privacy may start jobs; nobody else', () => {
    const s3 = (prefix: string) => actionsOf(statementsOf(prefix)).filter((a: string) => a.startsWith('s3:')).sort();
    expect(s3('JobsWorker')).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject']);
    expect(s3('Fnresults')).toEqual(['s3:GetObject']);
    for (const group of ['contests', 'privacy', 'public', 'attempts', 'admin', 'auth', 'imports', 'system']) expect(s3(`Fn${group}`), group).toEqual([]);
    const senders = (prefix: string) => actionsOf(statementsOf(prefix)).includes('sqs:SendMessage');
    for (const group of ['contests', 'results', 'privacy']) expect(senders(`Fn${group}`), group).toBe(true);
    for (const group of ['public', 'attempts', 'admin', 'auth', 'imports', 'system']) expect(senders(`Fn${group}`), group).toBe(false);
    // Object actions on the exports prefix only, never the whole bucket.
    for (const st of [...statementsOf('JobsWorker'), ...statementsOf('Fnresults')].filter((x) => actionsOf([x]).some((a: string) => a.startsWith('s3:')))) {
      expect(JSON.stringify(st.Resource)).toContain('/exports/*');
    }
  });

  it('alarms on the dead-letter queue and on worker errors, into the stage topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const dlq = alarms.find((a) => String(a.AlarmName).endsWith('-jobs-dlq'))!;
    const errors = alarms.find((a) => String(a.AlarmName).endsWith('-jobs-worker-errors'))!;
    expect(dlq.MetricName).toBe('ApproximateNumberOfMessagesVisible');
    expect(errors.MetricName).toBe('Errors');
    for (const a of [dlq, errors]) expect(a.AlarmActions).toHaveLength(1);
  });
});
