// The single table, described once. The CDK data stack and the local mode's
// CreateTable are both built from this object, so keys and indexes cannot drift.
export const tableDefinition = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAt',
  /**
   * Old and new images of every change feed the aggregates consumer (handlers/stream.ts): counters
   * are folded per batch instead of being written by every submit.
   */
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: {
    /** Sparse: only scored people carry GSI1*. Partition = contest shard, sort = encoded rank tuple. */
    leaderboard: { partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'ALL' },
  },
} as const;

export type IndexName = keyof typeof tableDefinition.indexes;

/** Input for CreateTable (local mode and tests), on-demand like the AWS table. */
export function createTableInput(tableName: string) {
  const { partitionKey, sortKey, indexes } = tableDefinition;
  const attributeNames = new Set<string>([partitionKey, sortKey]);
  for (const index of Object.values(indexes)) {
    attributeNames.add(index.partitionKey);
    attributeNames.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.stream },
    AttributeDefinitions: [...attributeNames].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      { AttributeName: sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: Object.entries(indexes).map(([name, index]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}
