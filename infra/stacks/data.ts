// The single table, built from the same definition local mode uses for CreateTable.
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableDefinition } from '#adapters/dynamodb/table.ts';
import { LayoutMigration } from '../constructs/layout-migration.ts';

const stringKey = (name: string) => ({ name, type: AttributeType.STRING });
const projections: Record<'ALL' | 'KEYS_ONLY', ProjectionType> = { ALL: ProjectionType.ALL, KEYS_ONLY: ProjectionType.KEYS_ONLY };

export class DataStack extends Stack {
  readonly table: Table;
  /** Brings the data to the layout of the code being deployed, before the API stack's functions change. */
  readonly layoutMigration: LayoutMigration;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: stringKey(tableDefinition.partitionKey),
      sortKey: stringKey(tableDefinition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      // Feeds the stream consumer (handlers/stream.ts, wired in the API stack). Records are kept 24 hours.
      stream: StreamViewType[tableDefinition.stream],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // Results are the contest's legal record: a stack deletion or a stray click must not drop them.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const [indexName, index] of Object.entries(tableDefinition.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: projections[index.projection],
      });
    }

    this.layoutMigration = new LayoutMigration(this, 'LayoutMigration', { table: this.table });
  }
}
