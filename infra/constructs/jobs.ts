// Background jobs on AWS (docs/jobs.md): an SQS queue of job ids, a worker Lambda that runs a job's
// checkpointed steps (functions/handlers/jobs-worker.ts), a dead-letter queue for messages that keep
// failing, and the private bucket exports are written to. Alarms: the dead-letter queue holding
// anything, and the worker crashing or timing out.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { tableDefinition } from '#adapters/dynamodb/table.ts';
import { handlerEntry } from '../bundling.ts';
import type { Stage } from '../stage.ts';
import { ALARM_PERIOD, notifyingAlarm, queueNotEmptyAlarm } from './alarms.ts';
import { functionDefaults } from './api-function.ts';

/** Lambda's limit: a worker invocation runs steps for up to 15 minutes, keeping 3 for the step in flight. */
export const WORKER_TIMEOUT = Duration.minutes(15);
/** Exports are links valid 15 minutes; the files stay a week for a link asked again, then expire. */
export const EXPORT_EXPIRY = Duration.days(7);
/** Deliveries of one message before it goes to the dead-letter queue (the job itself fails after 5 failed steps). */
export const MAX_RECEIVES = 6;

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'];

export interface JobsProps {
  table: ITable;
  stage: Stage;
  alarmTopic: ITopic;
}

export class Jobs extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;
  readonly bucket: Bucket;
  readonly worker: NodejsFunction;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    const { stage, table } = props;

    this.bucket = new Bucket(this, 'Exports', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      lifecycleRules: [
        { id: 'expire-exports', prefix: 'exports/', expiration: EXPORT_EXPIRY },
        // A multipart upload a failed export left behind (its parts are billed until aborted).
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Retained like the web buckets (CloudFormation cannot delete a bucket holding objects, and
      // autoDeleteObjects would add a custom-resource Lambda with a managed policy): a deleted
      // stage leaves a bucket that empties itself within 7 days.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Every export is requested through the API, which writes an audit entry (who, which contest, which format) before the job starts; objects live 7 days and are reached only by 15-minute signed links. Server access logs would duplicate that trail.',
    });

    this.deadLetters = new Queue(this, 'DeadLetters', {
      queueName: `${stage.resourcePrefix}-jobs-failed`,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetters).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of the jobs queue.' });
    this.queue = new Queue(this, 'Queue', {
      queueName: `${stage.resourcePrefix}-jobs`,
      // At least the worker's timeout, or a message would be delivered again while its run goes on.
      visibilityTimeout: WORKER_TIMEOUT.plus(Duration.minutes(1)),
      retentionPeriod: Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: MAX_RECEIVES },
    });

    this.worker = new NodejsFunction(
      this,
      'Worker',
      functionDefaults(this, 'Worker', {
        entry: handlerEntry('jobs-worker'),
        // A close (and an export of a ranking not final yet) ranks one people partition at a time, then
        // merges the sorted runs; a re-rank, 50 final pages at a time (docs/jobs.md): memory follows the
        // largest partition (1/16 of the participants, ~140 MB at 100,000), not the contest.
        memorySize: 2048,
        timeout: WORKER_TIMEOUT,
        stage,
        environment: { TABLE_NAME: table.tableName, EXPORT_BUCKET: this.bucket.bucketName, JOB_QUEUE_URL: this.queue.queueUrl },
      }),
    );
    const indexArns = Object.keys(tableDefinition.indexes).map((name) => `${table.tableArn}/index/${name}`);
    this.worker.addToRolePolicy(new PolicyStatement({ actions: READ, resources: [table.tableArn, ...indexArns] }));
    this.worker.addToRolePolicy(new PolicyStatement({ actions: WRITE, resources: [table.tableArn] }));
    this.grantFiles(this.worker, true);
    this.queue.grantSendMessages(this.worker);
    // One message, one job: a batch would make one slow job hold the others back.
    this.worker.addEventSource(new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true }));
    Validations.of(this.worker).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to Node.js 22 like the API functions: the bundle test and local mode run on Node 20/22; move to 24 as a tested change.',
    });

    const common = { stage, topic: props.alarmTopic };
    this.alarms = [
      queueNotEmptyAlarm(this, 'DeadLettersAlarm', {
        ...common,
        queue: this.deadLetters,
        name: 'jobs-dlq',
        description: `A background job (close, export, retention purge) kept failing after ${MAX_RECEIVES} deliveries: a contest may be stuck closing or an export never written.`,
      }),
      notifyingAlarm(this, 'WorkerErrorsAlarm', {
        ...common,
        name: 'jobs-worker-errors',
        runbook: 'jobs-dlq',
        description: 'The jobs worker crashed or timed out (a step longer than the time kept for it, or an outage); SQS delivers the job again.',
        metric: this.worker.metricErrors({ statistic: 'Sum', period: ALARM_PERIOD }),
        threshold: 1,
      }),
    ];
  }

  /** Lets a function start jobs (send to the queue). */
  grantStart(fn: IFunction & { addEnvironment(k: string, v: string): unknown }): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment('JOB_QUEUE_URL', this.queue.queueUrl);
  }

  /** Object actions on the exports prefix only: writing (the worker) or reading (signing links). */
  grantFiles(fn: IFunction & { addEnvironment(k: string, v: string): unknown }, write: boolean): void {
    fn.addEnvironment('EXPORT_BUCKET', this.bucket.bucketName);
    const actions = write ? ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'] : ['s3:GetObject'];
    fn.addToRolePolicy(new PolicyStatement({ actions, resources: [this.bucket.arnForObjects('exports/*')] }));
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    Validations.of(fn.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/exports/*]`,
      reason: 'Export objects are named per contest and job (exports/<contest>/<job>/<file>), created at run time: the grant covers the exports prefix of the one bucket, object actions only.',
    });
  }
}
