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
    /**
     * The live leaderboard (layout 3). Sparse: only scored people carry LBPK/LBSK. Partition = one of
     * a contest's 16 shards, sort = encoded rank tuple. Projects only what the board shows, so a
     * person's other writes (a later start's reservation, a worse attempt counted) leave it alone,
     * and each entry stays under 1 KB (one write unit).
     */
    ranking: {
      partitionKey: 'LBPK',
      sortKey: 'LBSK',
      projection: 'INCLUDE',
      nonKeyAttributes: ['phone', 'fullName', 'unitId', 'village', 'best'],
    },
  },
  /**
   * Indexes the previous release had and this one no longer uses, still declared on AWS: a
   * CloudFormation update may create or delete only one GSI, so a replaced index goes in the release
   * after the one that adds its successor (docs/migrations.md, "Deploying layout 3"). Layout 3's
   * migration empties it (removes GSI1PK/GSI1SK from every person). Local mode never creates these.
   */
  retiredIndexes: {
    /** Layout 1–2's leaderboard: 4 shards, every attribute projected. Delete in the release after layout 3. */
    leaderboard: { partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'ALL' },
  },
} as const;

export type IndexName = keyof typeof tableDefinition.indexes;

export interface IndexDefinition {
  partitionKey: string;
  sortKey: string;
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  nonKeyAttributes?: readonly string[];
}

/** An index as CreateTable / UpdateTable take it. */
export function indexInput(name: string, index: IndexDefinition) {
  return {
    IndexName: name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: index.projection, ...(index.nonKeyAttributes ? { NonKeyAttributes: [...index.nonKeyAttributes] } : {}) },
  };
}

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
    GlobalSecondaryIndexes: Object.entries(indexes).map(([name, index]) => indexInput(name, index)),
  };
}
