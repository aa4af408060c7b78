// The single table, described once. The CDK data stack and the local mode's
// CreateTable are both built from this object, so keys and indexes cannot drift.
export const tableDefinition = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Sparse: only scored people carry GSI1*. Partition = contest shard, sort = encoded rank tuple. */
    leaderboard: { partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'ALL' },
    /**
     * Sparse: only attempts still open carry GSI2*. Partition = contest, sort = deadline. Keys only:
     * closing reads each attempt anyway, and an index holding whole attempts would be written on every autosave.
     */
    openAttempts: { partitionKey: 'GSI2PK', sortKey: 'GSI2SK', projection: 'KEYS_ONLY' },
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
