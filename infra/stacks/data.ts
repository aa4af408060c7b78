// The single table, built from the same definition local mode uses for CreateTable, and its
// throttling alarms (the table and each index).
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { MathExpression, Metric, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { tableDefinition, type IndexDefinition } from '#adapters/dynamodb/table.ts';
import { ALARM_PERIOD, notifyingAlarm } from '../constructs/alarms.ts';
import type { Stage } from '../stage.ts';
import { LayoutMigration } from '../constructs/layout-migration.ts';

const stringKey = (name: string) => ({ name, type: AttributeType.STRING });
const projections: Record<IndexDefinition['projection'], ProjectionType> = { ALL: ProjectionType.ALL, KEYS_ONLY: ProjectionType.KEYS_ONLY, INCLUDE: ProjectionType.INCLUDE };

/**
 * Every index the table declares on AWS: the current ones, then the retired ones the previous
 * release had. CloudFormation creates or deletes one GSI per update, so a release that replaces an
 * index adds the new one and keeps the old; the next release drops it (docs/migrations.md).
 */
export const declaredIndexes = (): [string, IndexDefinition][] => [...Object.entries(tableDefinition.indexes), ...Object.entries(tableDefinition.retiredIndexes)];

export interface DataStackProps extends StackProps {
  stage: Stage;
  alarmTopic: ITopic;
}

/** Read + write throttle events of the table, or of one index, in 5 minutes. */
export function throttleEvents(tableName: string, indexName?: string) {
  const dimensionsMap = { TableName: tableName, ...(indexName ? { GlobalSecondaryIndexName: indexName } : {}) };
  const metric = (metricName: string) => new Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap, statistic: 'Sum', period: ALARM_PERIOD });
  // Ids unique per index: a dashboard graph holds the table's and every index's expression.
  const id = (indexName ?? 'table').toLowerCase().replace(/[^a-z0-9]/g, '_');
  return new MathExpression({
    expression: `FILL(r_${id}, 0) + FILL(w_${id}, 0)`,
    usingMetrics: { [`r_${id}`]: metric('ReadThrottleEvents'), [`w_${id}`]: metric('WriteThrottleEvents') },
    label: `${indexName ?? 'table'} throttle events`,
    period: ALARM_PERIOD,
  });
}

export class DataStack extends Stack {
  readonly table: Table;
  readonly alarms: Alarm[] = [];
  /** Brings the data to the layout of the code being deployed, before the API stack's functions change. */
  readonly layoutMigration: LayoutMigration;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { settings } = props.stage;
    const warmThroughput = settings.warmThroughput ?? undefined;

    this.table = new Table(this, 'Table', {
      partitionKey: stringKey(tableDefinition.partitionKey),
      sortKey: stringKey(tableDefinition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      // Feeds the stream consumer (handlers/stream.ts, wired in the API stack). Records are kept 24 hours.
      stream: StreamViewType[tableDefinition.stream],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // Results are the contest's legal record: on a stage that holds them (retainData), a stack
      // deletion or a stray click must not drop them. A scratch stage goes away with its stack.
      deletionProtection: settings.retainData,
      removalPolicy: settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      ...(warmThroughput ? { warmThroughput } : {}),
    });

    for (const [indexName, index] of declaredIndexes()) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: projections[index.projection],
        ...(index.nonKeyAttributes ? { nonKeyAttributes: [...index.nonKeyAttributes] } : {}),
        ...(warmThroughput ? { warmThroughput } : {}),
      });
    }

    for (const indexName of [undefined, ...Object.keys(tableDefinition.indexes)]) {
      this.alarms.push(
        notifyingAlarm(this, indexName ? `Throttles-${indexName}` : 'Throttles-table', {
          stage: props.stage,
          topic: props.alarmTopic,
          name: indexName ? `dynamodb-throttles-${indexName.toLowerCase()}` : 'dynamodb-throttles-table',
          runbook: 'dynamodb-throttles',
          description: `DynamoDB throttled ${indexName ? `index ${indexName}` : 'the table'}: ${settings.alarms.dynamoThrottleEvents}+ read/write throttle events in 5 minutes (the SDK retries, then callers get errors).`,
          metric: throttleEvents(this.table.tableName, indexName),
          threshold: settings.alarms.dynamoThrottleEvents,
        }),
      );
    }
    this.layoutMigration = new LayoutMigration(this, 'LayoutMigration', { table: this.table, stage: props.stage });
  }
}
