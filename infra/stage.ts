// Stages: `-c stage=NAME` (default dev) picks one entry of the `stages` context in cdk.json. The
// stage name prefixes every stack and every resource we name, so dev and prod can share an account
// and a region. The settings live in cdk.json, not on the command line, so a plain redeploy keeps
// them; they are validated at synth, and a bad or missing value stops it with the key to fix.
import { z } from 'zod';
import type { Construct } from 'constructs';

const positiveInt = z.number().int().positive();
const email = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an email address');

export const stageSettingsSchema = z
  .object({
    /** Email of the first administrator (Cognito sends them a temporary password). */
    adminEmail: email,
    /** Where every alarm is sent (an SNS email subscription; the address must confirm it once). */
    alarmEmail: email,
    /**
     * Keep the table and the staff pool when the stack is deleted (and protect them from deletion).
     * true for any stage holding real results: they are the contests' legal record.
     */
    retainData: z.boolean(),
    /** Days the function, access and consumer logs are kept. */
    logRetentionDays: z.union([z.literal(7), z.literal(14), z.literal(30), z.literal(90), z.literal(180), z.literal(365)]),
    /** API Gateway throttles (requests per second); docs/scale.md sizes them for a province. */
    throttle: z
      .object({ stageRateLimit: positiveInt, stageBurstLimit: positiveInt, startRateLimit: positiveInt })
      .strict(),
    /**
     * Pre-warmed table throughput for a big contest (units per second, on-demand tables), or null.
     * Applied to the table and each index.
     */
    warmThroughput: z.object({ readUnitsPerSecond: positiveInt, writeUnitsPerSecond: positiveInt }).strict().nullable(),
    alarms: z
      .object({
        /** HTTP API: 5xx answers as a percentage of requests, over 5 minutes. */
        api5xxPercent: z.number().positive().max(100),
        /** HTTP API: p99 latency (ms) over 5 minutes, 2 periods in a row. */
        apiP99LatencyMs: positiveInt,
        /** Any function: errors (crashes, timeouts) in 5 minutes, at or above. */
        lambdaErrors: positiveInt,
        /** Any function: throttled invocations in 5 minutes, at or above. */
        lambdaThrottles: positiveInt,
        /** Table or index: read + write throttle events in 5 minutes, at or above. */
        dynamoThrottleEvents: positiveInt,
        /** Stream consumer: the oldest unprocessed record's age (ms), maximum over 5 minutes. */
        iteratorAgeMs: positiveInt,
        /** CloudFront: 5xx answers as a percentage of requests, over 5 minutes. */
        cloudFront5xxPercent: z.number().positive().max(100),
      })
      .strict(),
  })
  .strict();

export type StageSettings = z.infer<typeof stageSettingsSchema>;

export interface Stage {
  name: string;
  /** `CuocThi-<stage>`: the prefix of stack names. */
  stackPrefix: string;
  /** `cuoc-thi-<stage>`: the prefix of resource names. */
  resourcePrefix: string;
  settings: StageSettings;
}

const STAGE_NAME = /^[a-z][a-z0-9]{1,11}$/;

/** Context keys that may override one setting of the stage from the command line. */
const OVERRIDES = {
  adminEmail: ['adminEmail'],
  alarmEmail: ['alarmEmail'],
  stageRateLimit: ['throttle', 'stageRateLimit'],
  stageBurstLimit: ['throttle', 'stageBurstLimit'],
  startRateLimit: ['throttle', 'startRateLimit'],
} as const;

/** `-c key=value` gives strings: digits become numbers. */
const fromCommandLine = (v: unknown) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v);

/**
 * The stage this synth is for, its settings validated. Context `stage` (default dev) names an entry
 * of context `stages`; `-c adminEmail=... -c alarmEmail=...` and the throttle keys override it.
 */
export function resolveStage(scope: Construct, name?: string): Stage {
  const stageName = name ?? ((scope.node.tryGetContext('stage') as string | undefined) || 'dev');
  if (!STAGE_NAME.test(stageName)) {
    throw new Error(`CDK context stage must be 2-12 lowercase letters or digits, starting with a letter (it prefixes every stack and resource name), got ${JSON.stringify(stageName)}`);
  }
  const stages = scope.node.tryGetContext('stages') as Record<string, unknown> | undefined;
  const raw = stages?.[stageName];
  if (raw === undefined || raw === null || typeof raw !== 'object') {
    const known = Object.keys(stages ?? {});
    throw new Error(`No settings for stage "${stageName}": add "stages": { "${stageName}": { ... } } to the context in cdk.json (known stages: ${known.join(', ') || 'none'}); docs/operations.md lists every setting`);
  }
  const merged = structuredClone(raw) as Record<string, any>;
  for (const [key, path] of Object.entries(OVERRIDES)) {
    const value = scope.node.tryGetContext(key);
    if (value === undefined) continue;
    if (path.length === 1) merged[path[0]] = fromCommandLine(value);
    else merged[path[0]] = { ...(merged[path[0]] ?? {}), [path[1]]: fromCommandLine(value) };
  }
  const parsed = stageSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = i.path.join('.');
      const missing = i.code === 'invalid_type' && i.input === undefined;
      const hint = key === 'adminEmail' || key === 'alarmEmail' ? ` (set stages.${stageName}.${key} in cdk.json or pass -c ${key}=someone@example.org)` : '';
      return `  stages.${stageName}.${key || '(root)'}: ${missing ? 'missing' : i.message}${hint}`;
    });
    throw new Error(`Invalid settings for stage "${stageName}" (cdk.json context, docs/operations.md):\n${problems.join('\n')}`);
  }
  return { name: stageName, stackPrefix: `CuocThi-${stageName}`, resourcePrefix: `cuoc-thi-${stageName}`, settings: parsed.data };
}
