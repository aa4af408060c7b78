// Issue 11: stages, alarms that reach a person, the stream consumer's failure handling, the
// retention job's dead-letter queue, the web build guard and the edge caching of errors, checked on
// the synthesized templates of two stages (dev and prod) built side by side in one app.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { fakeWebDist as makeWebDist } from '../helpers/web-dist.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '#adapters/dynamodb/table.ts';
import { functionGroups } from '#adapters/http/routes.ts';
import { defineApp } from '../../infra/app.ts';
import { STREAM_FILTERS } from '../../infra/constructs/stream-consumer.ts';
import { NEVER_CACHED_ERRORS } from '../../infra/stacks/web.ts';
import { cdkContext, stageSettings } from './context.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Resources = Record<string, Resource>;

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const newApp = (context: Record<string, unknown> = {}) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...cdkContext, ...context } });
  scratch.push(app.outdir);
  return app;
};
function fakeWebDist(): string {
  const dir = makeWebDist();
  scratch.push(dir);
  return dir;
}

type Built = ReturnType<typeof defineApp>;
let app: App;
const built: Record<'dev' | 'prod', Built> = {} as never;
const templates = new Map<Stack, Template>();
const template = (stack: Stack) => templates.get(stack) ?? templates.set(stack, Template.fromStack(stack)).get(stack)!;
const resources = (stack: Stack): Resources => template(stack).toJSON().Resources;
const ofType = (stack: Stack, type: string) => Object.entries(resources(stack)).filter(([, r]) => r.Type === type);
const stacksOf = (b: Built): Stack[] => [b.alerts, b.data, b.api, b.web, b.edge, b.dashboard];

beforeAll(() => {
  // Both stages in one app, as they would live in one account and region.
  app = newApp();
  const web = fakeWebDist();
  built.dev = defineApp(app, { stage: 'dev', webDist: web });
  built.prod = defineApp(app, { stage: 'prod', webDist: web, nag: false });
  app.synth();
});

describe('stages side by side', () => {
  it('prefixes every stack with the stage, and both stages synthesize in one app', () => {
    const names = (b: Built) => stacksOf(b).map((s) => s.stackName);
    expect(names(built.dev)).toEqual(['CuocThi-dev-Alerts', 'CuocThi-dev-Data', 'CuocThi-dev-Api', 'CuocThi-dev-Web', 'CuocThi-dev-EdgeAlarms', 'CuocThi-dev-Dashboard']);
    expect(names(built.prod).every((n) => n.startsWith('CuocThi-prod-'))).toBe(true);
    expect(built.dev.edge.region).toBe('us-east-1');
    expect(built.dev.api.region).toBe('ap-southeast-1');
  });

  it('names every named resource with the stage, so no name is shared between stages', () => {
    const NAME_PROPS = ['TopicName', 'QueueName', 'AlarmName', 'DashboardName', 'TableName', 'FunctionName', 'LogGroupName', 'UserPoolName', 'Name', 'BucketName'];
    const named = (b: Built) =>
      stacksOf(b).flatMap((s) =>
        Object.values(resources(s)).flatMap((r) =>
          NAME_PROPS.filter((p) => typeof r.Properties?.[p] === 'string' && !r.Type.startsWith('AWS::ApiGatewayV2') && !r.Type.startsWith('AWS::CloudFront') && r.Type !== 'AWS::Cognito::UserPoolGroup').map((p) => `${r.Type} ${r.Properties[p]}`),
        ),
      );
    const dev = named(built.dev);
    const prod = named(built.prod);
    expect(dev.length).toBeGreaterThan(20);
    for (const n of dev) expect(n).toMatch(/ cuoc-thi-dev-/);
    for (const n of prod) expect(n).toMatch(/ cuoc-thi-prod-/);
    expect(dev.filter((n) => prod.includes(n))).toEqual([]);
  });

  it('keeps the data of prod (retained, deletion protection) and lets a dev stack take its data with it', () => {
    const [, devTable] = ofType(built.dev.data, 'AWS::DynamoDB::Table')[0]!;
    const [, prodTable] = ofType(built.prod.data, 'AWS::DynamoDB::Table')[0]!;
    expect(stageSettings('prod').retainData).toBe(true);
    expect(prodTable.DeletionPolicy).toBe('Retain');
    expect(prodTable.Properties.DeletionProtectionEnabled).toBe(true);
    expect(devTable.DeletionPolicy).toBe('Delete');
    expect(devTable.Properties.DeletionProtectionEnabled).toBe(false);
    const [, prodPool] = ofType(built.prod.api, 'AWS::Cognito::UserPool')[0]!;
    expect(prodPool.DeletionPolicy).toBe('Retain');
    const [, prodLogs] = ofType(built.prod.api, 'AWS::Logs::LogGroup')[0]!;
    expect(prodLogs.Properties.RetentionInDays).toBe(stageSettings('prod').logRetentionDays);
  });

  it('gives each stage its own metrics namespace', () => {
    for (const stage of ['dev', 'prod'] as const) {
      for (const [, fn] of ofType(built[stage].api, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('Fn') || id.startsWith('StreamConsumer'))) {
        expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe(`CuocThi/${stage}`);
      }
    }
  });
});

describe('stage settings are validated at synth', () => {
  const synthWith = (context: Record<string, unknown>, stage?: string) => () => defineApp(newApp(context), { webDist: fakeWebDist(), nag: false, ...(stage ? { stage } : {}) });

  it('refuses an unknown stage, naming where its settings go', () => {
    expect(synthWith({}, 'staging')).toThrow(/No settings for stage "staging": add "stages": \{ "staging"/);
  });
  it('refuses a stage name that cannot prefix resource names', () => {
    expect(synthWith({}, 'Prod_1')).toThrow(/stage must be 2-12 lowercase letters or digits/);
  });
  it.each(['adminEmail', 'alarmEmail'])('refuses a missing %s with the way to give it', (key) => {
    expect(synthWith({ [key]: undefined })).toThrow(new RegExp(`stages\\.dev\\.${key}: missing \\(set stages\\.dev\\.${key} in cdk\\.json or pass -c ${key}=`));
    expect(synthWith({ [key]: 'not-an-address' })).toThrow(new RegExp(`stages\\.dev\\.${key}: must be an email address`));
  });
  it('refuses a wrong or unknown setting, naming its key', () => {
    const stages = structuredClone(cdkContext.stages) as Record<string, any>;
    stages.dev.alarms.api5xxPercent = 'five';
    stages.dev.retainDta = true;
    expect(synthWith({ stages })).toThrow(/stages\.dev\.alarms\.api5xxPercent:[\s\S]*stages\.dev\.\(root\): Unrecognized key/);
  });
  it('applies warm throughput to the table and each index when a stage asks for it', () => {
    const stages = structuredClone(cdkContext.stages) as Record<string, any>;
    stages.dev.warmThroughput = { readUnitsPerSecond: 12000, writeUnitsPerSecond: 4000 };
    const b = synthWith({ stages })();
    const [, table] = Object.entries(Template.fromStack(b.data).toJSON().Resources as Resources).find(([, r]) => r.Type === 'AWS::DynamoDB::Table')!;
    expect(table.Properties.WarmThroughput).toEqual({ ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000 });
    for (const gsi of table.Properties.GlobalSecondaryIndexes) expect(gsi.WarmThroughput).toEqual({ ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000 });
  });
});

describe('a deploy that cannot ship an empty site', () => {
  it('refuses to synthesize the web stack without a built web app', () => {
    expect(() => defineApp(newApp(), { webDist: join(tmpdir(), 'no-web-build-here'), nag: false })).toThrow(
      /The web app is not built: .*index\.html is missing\. Run `npm run build:web` first/,
    );
  });
  it('npm run deploy builds the web app before deploying', async () => {
    const pkg = JSON.parse((await import('node:fs')).readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.scripts.deploy).toMatch(/^npm run build:web && .*cdk deploy/);
  });
  it('takes the first administrator from the stage (a parameter whose default is the validated address)', () => {
    template(built.dev.api).hasParameter('AdminEmail', { Type: 'String', Default: 'admin@example.org' });
  });
});

describe('CloudFront never caches an error', () => {
  it('sets a caching time of 0 for every error code CloudFront would cache, with no page replacement', () => {
    const [, distribution] = ofType(built.dev.web, 'AWS::CloudFront::Distribution')[0]!;
    expect(distribution.Properties.DistributionConfig.CustomErrorResponses).toEqual(NEVER_CACHED_ERRORS.map((code) => ({ ErrorCode: code, ErrorCachingMinTTL: 0 })));
  });
});

describe('failures reach a person', () => {
  type AlarmProps = { stack: Stack; id: string } & Record<string, any>;
  const alarmsOf = (b: Built): AlarmProps[] => stacksOf(b).flatMap((s) => ofType(s, 'AWS::CloudWatch::Alarm').map(([id, a]) => ({ stack: s, id, ...a.Properties })));
  const topicIn = (stack: Stack) => {
    const topics = ofType(stack, 'AWS::SNS::Topic');
    return topics;
  };

  it('one topic per region with an email subscription to alarmEmail, TLS only', () => {
    for (const stack of [built.dev.alerts, built.dev.edge]) {
      expect(topicIn(stack)).toHaveLength(1);
      template(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
    }
    for (const stack of [built.dev.data, built.dev.api, built.dev.web, built.dev.dashboard]) expect(topicIn(stack)).toHaveLength(0);
  });

  it('every alarm notifies the topic of its region, when it fires and when it recovers', () => {
    const alarms = alarmsOf(built.dev);
    for (const a of alarms) {
      const expected = a.stack === built.dev.edge ? /AlarmTopic/ : /CuocThidevAlerts.*AlarmTopic|AlarmTopic/;
      expect(a.AlarmActions, a.id).toHaveLength(1);
      expect(JSON.stringify(a.AlarmActions), a.id).toMatch(expected);
      expect(a.OKActions, a.id).toEqual(a.AlarmActions);
      expect(a.AlarmName, a.id).toMatch(/^cuoc-thi-dev-/);
      expect(a.AlarmDescription, a.id).toMatch(/Runbook: docs\/operations\.md/);
    }
    // Alarms outside the Alerts stack reach its topic by a cross-stack import.
    const api = alarms.find((a) => a.AlarmName === 'cuoc-thi-dev-api-5xx')!;
    expect(JSON.stringify(api.AlarmActions)).toMatch(/CuocThi-dev-Alerts:ExportsOutputRefAlarmTopic/);
  });

  it('has each alarm the issue asks for, with the stage thresholds', () => {
    const dev = stageSettings('dev').alarms;
    const names = new Map(alarmsOf(built.dev).map((a) => [a.AlarmName as string, a]));
    const want = [
      'api-5xx',
      'api-p99-latency',
      ...functionGroups.flatMap((g) => [`lambda-errors-${g}`, `lambda-throttles-${g}`]),
      'lambda-throttles-stream',
      'dynamodb-throttles-table',
      ...Object.keys(tableDefinition.indexes).map((i) => `dynamodb-throttles-${i.toLowerCase()}`),
      'stream-consumer-iterator-age',
      'stream-consumer-errors',
      'stream-consumer-dlq',
      'retention-dlq',
      'round-finalize-dlq',
      'jobs-dlq',
      'jobs-worker-errors',
      'cloudfront-5xx',
    ].map((n) => `cuoc-thi-dev-${n}`);
    expect([...names.keys()].sort()).toEqual(want.sort());
    expect(names.get('cuoc-thi-dev-api-5xx')).toMatchObject({ Threshold: dev.api5xxPercent });
    expect(names.get('cuoc-thi-dev-api-p99-latency')).toMatchObject({ Threshold: dev.apiP99LatencyMs, ExtendedStatistic: 'p99', EvaluationPeriods: 2 });
    expect(names.get('cuoc-thi-dev-dynamodb-throttles-ranking')!.Metrics.map((m: any) => m.MetricStat?.Metric.Dimensions).filter(Boolean)).toEqual([
      expect.arrayContaining([{ Name: 'GlobalSecondaryIndexName', Value: 'ranking' }]),
      expect.arrayContaining([{ Name: 'GlobalSecondaryIndexName', Value: 'ranking' }]),
    ]);
    expect(names.get('cuoc-thi-dev-cloudfront-5xx')).toMatchObject({ Threshold: dev.cloudFront5xxPercent });
    expect(names.get('cuoc-thi-dev-stream-consumer-iterator-age')).toMatchObject({ Threshold: dev.iteratorAgeMs });
    // prod is stricter.
    const prodNames = new Map(alarmsOf(built.prod).map((a) => [a.AlarmName as string, a]));
    expect(prodNames.get('cuoc-thi-prod-api-5xx')).toMatchObject({ Threshold: stageSettings('prod').alarms.api5xxPercent });
  });

  it('one dashboard per stage: alarms, API, functions, table, consumer, queues, and the traffic the handlers count', () => {
    const [, dash] = ofType(built.dev.dashboard, 'AWS::CloudWatch::Dashboard')[0]!;
    expect(dash.Properties.DashboardName).toBe('cuoc-thi-dev-operations');
    const body = JSON.stringify(dash.Properties.DashboardBody);
    for (const needle of ['AttemptStarted', 'AttemptSubmitted', 'SEARCH(', 'Refused', 'CuocThi/dev', 'IteratorAge', '5xxErrorRate', 'ApproximateNumberOfMessagesVisible', 'ReadThrottleEvents', 'Throttles', 'Errors']) {
      expect(body, needle).toContain(needle);
    }
  });
});

describe('stream consumer: filters', () => {
  // The subset of Lambda's event filtering our patterns use: lists of values and anything-but.
  const matchValue = (rule: unknown[], value: unknown) =>
    rule.some((r) => (typeof r === 'object' && r !== null && 'anything-but' in r ? value !== undefined && !(r as { 'anything-but': unknown[] })['anything-but'].includes(value) : r === value));
  const matches = (pattern: Record<string, any>, event: Record<string, any>): boolean =>
    Object.entries(pattern).every(([k, v]) => (Array.isArray(v) ? matchValue(v, event?.[k]) : matches(v, event?.[k])));
  const rec = (eventName: string, oldImage?: Record<string, string>, newImage?: Record<string, string>) => {
    const wire = (i?: Record<string, string>) => i && Object.fromEntries(Object.entries(i).map(([k, v]) => [k, { S: v }]));
    return { eventName, dynamodb: { ...(oldImage ? { OldImage: wire(oldImage) } : {}), ...(newImage ? { NewImage: wire(newImage) } : {}) } };
  };
  const invokes = (r: Record<string, any>) => STREAM_FILTERS.some((p) => matches(p as never, r));

  it('lets through what can move a counter or complete a submit, and never an autosave', () => {
    const open = { entity: 'attempt', status: 'open' };
    expect(invokes(rec('MODIFY', open, open)), 'autosave').toBe(false);
    expect(invokes(rec('INSERT', undefined, open)), 'start').toBe(false);
    expect(invokes(rec('MODIFY', open, { entity: 'attempt', status: 'submitted' })), 'submit').toBe(true);
    expect(invokes(rec('MODIFY', { entity: 'attempt', status: 'submitted' }, { entity: 'attempt', status: 'submitted' })), 'best').toBe(true);
    expect(invokes(rec('REMOVE', open)), 'erased attempt').toBe(true);
    expect(invokes(rec('INSERT', undefined, { entity: 'person' })), 'person').toBe(true);
    expect(invokes(rec('MODIFY', { entity: 'person' }, { entity: 'person' })), 'person scored').toBe(true);
    expect(invokes(rec('REMOVE', { entity: 'person' })), 'person erased').toBe(true);
    expect(invokes(rec('MODIFY', { entity: 'aggregate' }, { entity: 'aggregate' })), 'own counters').toBe(false);
    expect(invokes(rec('INSERT', undefined, { entity: 'ledger' })), 'own ledger').toBe(false);
    expect(invokes(rec('MODIFY', { entity: 'contest' }, { entity: 'contest' })), 'contest edit').toBe(false);
  });

  it('puts exactly these patterns on the event source mapping', () => {
    const [, mapping] = ofType(built.dev.api, 'AWS::Lambda::EventSourceMapping')[0]!;
    expect(mapping.Properties.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual(STREAM_FILTERS);
  });
});

describe('least privilege: grants a function does not use are gone', () => {
  it('the admin function may call exactly the three Cognito actions of createStaffAccount', () => {
    const actions = ofType(built.dev.api, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('FnadminRole'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((st: { Action: string | string[] }) => [st.Action].flat()))
      .filter((a: string) => a.startsWith('cognito-idp:'));
    expect(actions.sort()).toEqual(['cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminCreateUser', 'cognito-idp:AdminSetUserPassword']);
  });
});

describe('retention job', () => {
  it('ends in a dead-letter queue when EventBridge cannot deliver it or Lambda gives up on it', () => {
    const [queueId] = ofType(built.dev.api, 'AWS::SQS::Queue').find(([id]) => id.startsWith('RetentionDlq'))!;
    const [, rule] = ofType(built.dev.api, 'AWS::Events::Rule').find(([id]) => id.startsWith('RetentionSchedule'))!;
    expect(rule.Properties.Targets[0].DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    const [, invokeConfig] = ofType(built.dev.api, 'AWS::Lambda::EventInvokeConfig').find(([, c]) => /Fnprivacy/.test(JSON.stringify(c.Properties.FunctionName)))!;
    expect(invokeConfig.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    expect(JSON.stringify(invokeConfig.Properties.FunctionName)).toMatch(/Fnprivacy/);
  });
});

describe('round finalisation schedule (docs/rounds.md)', () => {
  it('runs the contests function every minute, without retries, failures to a dead-letter queue', () => {
    const [queueId] = ofType(built.dev.api, 'AWS::SQS::Queue').find(([id]) => id.startsWith('RoundFinalizeDlq'))!;
    const [, rule] = ofType(built.dev.api, 'AWS::Events::Rule').find(([id]) => id.startsWith('RoundFinalizeSchedule'))!;
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(JSON.stringify(rule.Properties.Targets[0].Arn)).toMatch(/Fncontests/);
    expect(rule.Properties.Targets[0]).toMatchObject({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } }, RetryPolicy: { MaximumRetryAttempts: 0 } });
    const [, invokeConfig] = ofType(built.dev.api, 'AWS::Lambda::EventInvokeConfig').find(([, c]) => /Fncontests/.test(JSON.stringify(c.Properties.FunctionName)))!;
    expect(invokeConfig.Properties).toMatchObject({ MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } } });
  });
});
