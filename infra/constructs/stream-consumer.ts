// The table's stream consumer (functions/handlers/stream.ts): folds person and attempt changes into
// the contest aggregates. Same bundling, runtime and log/role pattern as ApiFunction; it is fed by a
// DynamoDB Streams event source mapping instead of the HTTP API. It never blocks its shard in
// silence: partial batch responses, a split at the failed record, bounded retries and record age,
// then an SQS queue holding the description of what was given up, and alarms on all of it.
import { Duration, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { tableDefinition } from '#adapters/dynamodb/table.ts';
import { handlerEntry } from '../bundling.ts';
import type { Stage } from '../stage.ts';
import { ALARM_PERIOD, notifyingAlarm, queueNotEmptyAlarm } from './alarms.ts';
import { functionDefaults } from './api-function.ts';

/**
 * Item actions of the consumer. It writes with TransactWriteItems, which IAM checks as the item
 * actions of each of its items (Put/Update/Delete/ConditionCheck); no Scan, no BatchWriteItem.
 */
export const STREAM_CONSUMER_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
export const STREAM_CONSUMER_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

/** The event source mapping, exported for the tests. */
export const STREAM_MAPPING = {
  startingPosition: StartingPosition.TRIM_HORIZON,
  batchSize: 1000,
  maxBatchingWindow: Duration.seconds(1),
  // One batch per shard at a time: the consumer relies on per-shard order (a redelivered batch starts at
  // the first record of an earlier chunk, where its ledger item is found).
  parallelizationFactor: 1,
  // The handler answers which record failed first (always a chunk's first record), so Lambda
  // checkpoints before it and splits the batch there; the ledger makes every redelivery exact.
  reportBatchItemFailures: true,
  bisectBatchOnError: true,
  // Bounded: a record that still fails after this many tries (or is older than a day) is given up
  // and described in the on-failure queue, instead of blocking its shard for 24 hours. Its counters
  // can then be rebuilt (docs/operations.md, "stream-consumer-dlq").
  retryAttempts: 10,
  maxRecordAge: Duration.days(1),
} as const;

/**
 * What invokes the consumer: changes that can move a counter or complete a submit. A person item
 * written or removed; an attempt removed; an attempt written with a status other than `open`.
 * Autosaves (an open attempt's answers) and the consumer's own counter and ledger items never invoke it.
 */
export const STREAM_FILTERS = [
  { dynamodb: { NewImage: { entity: { S: ['person'] } } } },
  { eventName: ['REMOVE'], dynamodb: { OldImage: { entity: { S: ['person', 'attempt'] } } } },
  { dynamodb: { NewImage: { entity: { S: ['attempt'] }, status: { S: [{ 'anything-but': ['open'] }] } } } },
] as const;

export interface StreamConsumerProps {
  /** The table, with its stream enabled. */
  table: ITable;
  stage: Stage;
  alarmTopic: ITopic;
  /** @default 60 seconds */
  timeout?: Duration;
  /** @default 512 MB */
  memorySize?: number;
}

export class StreamConsumer extends NodejsFunction {
  /** Descriptions of the batches given up after the retries (shard, sequence numbers; not the records). */
  readonly onFailure: Queue;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    const { table, stage } = props;
    if (!table.tableStreamArn) throw new Error(`StreamConsumer ${id}: the table has no stream (tableDefinition.stream)`);
    super(
      scope,
      id,
      functionDefaults(scope, id, {
        entry: handlerEntry('stream'),
        memorySize: props.memorySize ?? 512,
        timeout: props.timeout ?? Duration.seconds(60),
        stage,
        environment: { TABLE_NAME: table.tableName },
      }),
    );

    const indexArns = Object.keys(tableDefinition.indexes).map((name) => `${table.tableArn}/index/${name}`);
    this.addToRolePolicy(new PolicyStatement({ actions: STREAM_CONSUMER_READ_ACTIONS, resources: [table.tableArn, ...indexArns] }));
    this.addToRolePolicy(new PolicyStatement({ actions: STREAM_CONSUMER_WRITE_ACTIONS, resources: [table.tableArn] }));

    this.onFailure = new Queue(scope, `${id}OnFailure`, {
      queueName: `${stage.resourcePrefix}-stream-consumer-failed`,
      // The stream keeps records 24 hours; the descriptions outlive them so the gap can be rebuilt.
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.onFailure).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the stream consumer; nothing consumes it, so it needs no queue of its own.',
    });

    // Binding the source also calls table.grantStreamRead: DescribeStream, GetRecords and
    // GetShardIterator on this table's stream, and ListStreams, which IAM only grants on "*".
    this.addEventSource(
      new DynamoEventSource(table, {
        ...STREAM_MAPPING,
        onFailure: new SqsDlq(this.onFailure),
        filters: STREAM_FILTERS.map((pattern) => FilterCriteria.filter(pattern as unknown as Record<string, unknown>)),
      }),
    );
    Validations.of(this.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams (added by grantStreamRead, required by the Lambda event source mapping) supports no resource-level permission, so IAM only accepts Resource "*"; it lists stream ARNs, no data. Every other statement names the table, its indexes, its stream, the on-failure queue or the log group.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to Node.js 22 like the API functions: the bundle test and local mode run on Node 20/22; move to 24 as a tested change.',
    });

    const { alarms } = stage.settings;
    const common = { stage, topic: props.alarmTopic };
    this.alarms = [
      // Falling behind: aggregates lag, and a record still failing after its retries is given up.
      notifyingAlarm(scope, `${id}IteratorAgeAlarm`, {
        ...common,
        name: 'stream-consumer-iterator-age',
        description: `Stream consumer behind: oldest unprocessed table change older than ${alarms.iteratorAgeMs / 1000} s (statistics and results lagging).`,
        metric: this.metric('IteratorAge', { statistic: 'Maximum', period: ALARM_PERIOD }),
        threshold: alarms.iteratorAgeMs,
      }),
      notifyingAlarm(scope, `${id}ErrorsAlarm`, {
        ...common,
        name: 'stream-consumer-errors',
        description: 'Stream consumer crashed or timed out on a batch (its partial failures are retried; this is worse).',
        metric: this.metricErrors({ statistic: 'Sum', period: ALARM_PERIOD }),
        threshold: 1,
      }),
      queueNotEmptyAlarm(scope, `${id}OnFailureAlarm`, {
        ...common,
        queue: this.onFailure,
        name: 'stream-consumer-dlq',
        description: 'Stream consumer gave up on table changes after its retries: counters miss them until rebuilt.',
      }),
    ];
  }
}
