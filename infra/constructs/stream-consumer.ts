// The table's stream consumer (functions/handlers/stream.ts): folds person and attempt changes into
// the contest aggregates. Same bundling, runtime and log/role pattern as ApiFunction; it is fed by a
// DynamoDB Streams event source mapping instead of the HTTP API, and alarms when it falls behind.
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnEventSourceMapping, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { tableDefinition } from '#adapters/dynamodb/table.ts';
import { handlerEntry } from '../bundling.ts';
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
  // the first record of an earlier one, where its ledger item is found).
  parallelizationFactor: 1,
  // Retried whole until it succeeds: the consumer is idempotent through its ledger items, and
  // splitting or skipping records would lose counts. The IteratorAge alarm tells when it is stuck.
  bisectBatchOnError: false,
  retryAttempts: -1,
  reportBatchItemFailures: false,
} as const;
/** -1: records are never discarded for their age (CDK only takes 60 s – 7 days, so it is set on the resource). */
export const STREAM_MAX_RECORD_AGE = -1;

/** Alarm when the oldest unprocessed record is older than this (IteratorAge, maximum over 5 minutes). */
export const ITERATOR_AGE_ALARM_MS = 60_000;

export interface StreamConsumerProps {
  /** The table, with its stream enabled. */
  table: ITable;
  /** @default 60 seconds */
  timeout?: Duration;
  /** @default 512 MB */
  memorySize?: number;
}

export class StreamConsumer extends NodejsFunction {
  readonly iteratorAgeAlarm: Alarm;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    const { table } = props;
    if (!table.tableStreamArn) throw new Error(`StreamConsumer ${id}: the table has no stream (tableDefinition.stream)`);
    super(
      scope,
      id,
      functionDefaults(scope, id, {
        entry: handlerEntry('stream'),
        memorySize: props.memorySize ?? 512,
        timeout: props.timeout ?? Duration.seconds(60),
        environment: { TABLE_NAME: table.tableName },
      }),
    );

    const indexArns = Object.keys(tableDefinition.indexes).map((name) => `${table.tableArn}/index/${name}`);
    this.addToRolePolicy(new PolicyStatement({ actions: STREAM_CONSUMER_READ_ACTIONS, resources: [table.tableArn, ...indexArns] }));
    this.addToRolePolicy(new PolicyStatement({ actions: STREAM_CONSUMER_WRITE_ACTIONS, resources: [table.tableArn] }));

    // Binding the source also calls table.grantStreamRead: DescribeStream, GetRecords and
    // GetShardIterator on this table's stream, and ListStreams, which IAM only grants on "*".
    this.addEventSource(new DynamoEventSource(table, { ...STREAM_MAPPING }));
    const mappings = this.node.findAll().filter((c): c is CfnEventSourceMapping => c instanceof CfnEventSourceMapping);
    if (mappings.length !== 1) throw new Error(`StreamConsumer ${id}: expected one event source mapping, found ${mappings.length}`);
    mappings[0]!.maximumRecordAgeInSeconds = STREAM_MAX_RECORD_AGE;
    Validations.of(this.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams (added by grantStreamRead, required by the Lambda event source mapping) supports no resource-level permission, so IAM only accepts Resource "*"; it lists stream ARNs, no data. Every other statement names the table, its indexes, its stream or the log group.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to Node.js 22 like the API functions: the bundle test and local mode run on Node 20/22; move to 24 as a tested change.',
    });

    // Falling behind: aggregates lag, and records older than 24 hours would leave the stream unread.
    this.iteratorAgeAlarm = new Alarm(scope, `${id}IteratorAgeAlarm`, {
      alarmDescription: 'Stream consumer behind: oldest unprocessed table change older than 60 s (aggregates lagging; a failing batch is retried until it succeeds)',
      metric: this.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: ITERATOR_AGE_ALARM_MS,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm = new Alarm(scope, `${id}ErrorsAlarm`, {
      alarmDescription: 'Stream consumer failed a batch (it is retried until it succeeds; repeated errors block its shard)',
      metric: this.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
