// Public AWS list prices used for the cost figures, with where and when they were read.
// US East (N. Virginia) list prices; the stack deploys to ap-southeast-1 (Singapore) by default,
// where DynamoDB and API Gateway list somewhat higher: treat the result as a floor and check
// https://aws.amazon.com/pricing before quoting it for a budget.
export const PRICES = {
  readAt: '2026-11-27 (stored copies of the public AWS pricing pages; DynamoDB on-demand as reduced on 2024-11-01)',
  region: 'us-east-1',
  dynamodb: {
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (on-demand throughput after the 2024-11-01 reduction)',
    perMillionWriteRequestUnits: 0.625,
    perMillionReadRequestUnits: 0.125,
  },
  lambda: {
    source: 'https://aws.amazon.com/lambda/pricing/ (Arm, first 7.5 billion GB-s a month)',
    perGbSecondArm: 0.0000133334,
    perMillionRequests: 0.2,
  },
  httpApi: {
    source: 'https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 million requests a month)',
    perMillionRequests: 1.0,
  },
  /** Free tiers are left out on purpose: the figure is the marginal cost of a contest. */
  freeTierIgnored: true,
} as const;

export interface CostInput {
  rcuPerParticipant: number;
  wcuPerParticipant: number;
  /** API requests: each is an HTTP API request and a Lambda invocation. */
  invocationsPerParticipant: number;
  /** Lambda invocations that are no API request (the stream consumer's batches). */
  nonApiInvocationsPerParticipant?: number;
  /** Per route: billed milliseconds per participant and the function's configured memory. */
  lambda: { billedMsPerParticipant: number; memoryMb: number }[];
}

export function costPer10k(input: CostInput) {
  const n = 10_000;
  const dynamodb =
    (n * input.wcuPerParticipant * PRICES.dynamodb.perMillionWriteRequestUnits) / 1e6 +
    (n * input.rcuPerParticipant * PRICES.dynamodb.perMillionReadRequestUnits) / 1e6;
  const gbSeconds = input.lambda.reduce((s, l) => s + (n * l.billedMsPerParticipant * l.memoryMb) / 1024 / 1000, 0);
  const lambdaCompute = gbSeconds * PRICES.lambda.perGbSecondArm;
  const lambdaRequests = (n * (input.invocationsPerParticipant + (input.nonApiInvocationsPerParticipant ?? 0)) * PRICES.lambda.perMillionRequests) / 1e6;
  const httpApi = (n * input.invocationsPerParticipant * PRICES.httpApi.perMillionRequests) / 1e6;
  const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    dynamodbWrites: r4((n * input.wcuPerParticipant * PRICES.dynamodb.perMillionWriteRequestUnits) / 1e6),
    dynamodbReads: r4((n * input.rcuPerParticipant * PRICES.dynamodb.perMillionReadRequestUnits) / 1e6),
    dynamodb: r4(dynamodb),
    lambdaGbSeconds: Math.round(gbSeconds * 10) / 10,
    lambdaCompute: r4(lambdaCompute),
    lambdaRequests: r4(lambdaRequests),
    httpApi: r4(httpApi),
    total: r4(dynamodb + lambdaCompute + lambdaRequests + httpApi),
  };
}
