// CDK templates against the single sources of truth (tableDefinition, routes) and our
// security rules. Bundling is skipped here (bundle.test.ts covers esbuild).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { fakeWebDist as makeWebDist } from '../helpers/web-dist.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition, type IndexDefinition } from '#adapters/dynamodb/table.ts';
import { functionGroups, routeKey, routes } from '#adapters/http/routes.ts';
import { defineApp } from '../../infra/app.ts';
import { cdkContext, stageSettings } from './context.ts';
import { ABUSE_ENV, START_ROUTE_KEY } from '../../infra/stacks/api.ts';
import { STREAM_CONSUMER_READ_ACTIONS, STREAM_CONSUMER_WRITE_ACTIONS } from '../../infra/constructs/stream-consumer.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

const noBundling = { 'aws:cdk:bundling-stacks': [] };
const devStage = stageSettings('dev');

// Synth output (with the 21 MB CLI layer of BucketDeployment) and fixtures, removed at the end.
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const newApp = (context: Record<string, unknown> = {}) => {
  const app = new App({ context: { ...noBundling, ...cdkContext, ...context } });
  scratch.push(app.outdir);
  return app;
};

function fakeWebDist(): string {
  const dir = makeWebDist();
  scratch.push(dir);
  return dir;
}

let data: Template, api: Template, web: Template;
let apiResources: Resources, webResources: Resources;
const allResources = (): Resources => ({ ...data.toJSON().Resources, ...apiResources, ...webResources });
const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** The Lambda functions serving the HTTP API (logical ids Fn<group>…), as [logicalId, resource]. */
const apiFunctions = () =>
  ofType(apiResources, 'AWS::Lambda::Function').filter(([id]) => functionGroups.some((group) => id.startsWith(`Fn${group}`)));
/** The one resource of a type, as [logicalId, resource]. */
function single(resources: Resources, type: string) {
  const found = ofType(resources, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

beforeAll(() => {
  const app = newApp();
  const stacks = defineApp(app, { webDist: fakeWebDist() });
  // Template.fromStack synthesizes the app, which runs cdk-nag: a finding would throw here.
  data = Template.fromStack(stacks.data);
  api = Template.fromStack(stacks.api);
  web = Template.fromStack(stacks.web);
  apiResources = api.toJSON().Resources;
  webResources = web.toJSON().Resources;
});

describe('data stack', () => {
  it('builds the table from tableDefinition, string keys, on demand', () => {
    const { partitionKey, sortKey, ttlAttribute } = tableDefinition;
    const indexes = { ...tableDefinition.indexes, ...tableDefinition.retiredIndexes } as Record<string, IndexDefinition>;
    const [, table] = single(data.toJSON().Resources, 'AWS::DynamoDB::Table');
    const props = table.Properties;
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.KeySchema).toEqual([
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ]);
    const expectedIndexes = Object.entries(indexes).map(([name, index]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection, ...(index.nonKeyAttributes ? { NonKeyAttributes: [...index.nonKeyAttributes] } : {}) },
    }));
    expect(props.GlobalSecondaryIndexes).toEqual(expectedIndexes);
    // The leaderboard index projects what the board shows, not every attribute.
    expect(props.GlobalSecondaryIndexes.find((g: any) => g.IndexName === 'ranking').Projection).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: ['phone', 'fullName', 'unitId', 'village', 'best'],
    });
    const names = [partitionKey, sortKey, ...Object.values(indexes).flatMap((i) => [i.partitionKey, i.sortKey])];
    expect(props.AttributeDefinitions).toEqual(expect.arrayContaining(names.map((n) => ({ AttributeName: n, AttributeType: 'S' }))));
    expect(props.AttributeDefinitions).toHaveLength(names.length);
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: ttlAttribute, Enabled: true });
  });

  it('changes one GSI at most over the previous layout\'s table (CloudFormation creates or deletes one per update)', () => {
    const previous = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'layout-v2', 'table.json'), 'utf8')) as { GlobalSecondaryIndexes: any[] };
    const [, table] = single(data.toJSON().Resources, 'AWS::DynamoDB::Table');
    const shape = (g: any) => JSON.stringify({ k: g.KeySchema, p: { t: g.Projection.ProjectionType, a: g.Projection.NonKeyAttributes ?? [] } });
    const before = new Map(previous.GlobalSecondaryIndexes.map((g) => [g.IndexName as string, shape(g)]));
    const after = new Map((table.Properties.GlobalSecondaryIndexes as any[]).map((g) => [g.IndexName as string, shape(g)]));
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((name) => before.get(name) !== after.get(name));
    expect(changed).toEqual(['ranking']);
  });

  it('streams every change with old and new images, for the aggregates consumer', () => {
    expect(tableDefinition.stream).toBe('NEW_AND_OLD_IMAGES');
    const [, table] = single(data.toJSON().Resources, 'AWS::DynamoDB::Table');
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('protects the table: PITR and encryption everywhere (retention per stage: operations.test.ts)', () => {
    data.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });
});

describe('api stack: functions', () => {
  it('creates one arm64 Node 22 function per group, and besides them only the stream consumer and the jobs worker', () => {
    const fns = apiFunctions();
    expect(fns).toHaveLength(functionGroups.length);
    const others = ofType(apiResources, 'AWS::Lambda::Function').filter(([id]) => !fns.some(([apiId]) => apiId === id));
    expect(others.map(([id]) => id).sort()).toEqual([expect.stringMatching(/^JobsWorker/), expect.stringMatching(/^StreamConsumer/)]);
    for (const [, fn] of fns) {
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.LoggingConfig?.LogGroup).toBeDefined();
      expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
        expect.arrayContaining(['TABLE_NAME', 'USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME']),
      );
    }
  });

  it('configures the abuse controls everywhere, and gives the origin secret only to the rate-limited functions', () => {
    for (const [id, fn] of apiFunctions()) {
      const env = fn.Properties.Environment.Variables;
      expect(env, id).toMatchObject(ABUSE_ENV);
      const secret = env.ORIGIN_VERIFY_SECRET;
      if (/^Fn(auth|attempts)/.test(id)) expect(JSON.stringify(secret), id).toMatch(/\{\{resolve:secretsmanager:/);
      else expect(secret, id).toBeUndefined();
    }
    expect(Number(ABUSE_ENV.START_RATE_PER_MINUTE)).toBeGreaterThanOrEqual(100);
    api.resourceCountIs('AWS::SecretsManager::Secret', 1);
  });

  it("keeps every API function under API Gateway's 30 s: close, export, import and privacy at 29 s, the rest at 20 s", () => {
    const timeoutOf = (group: string) => {
      const fn = ofType(apiResources, 'AWS::Lambda::Function').find(([id]) => id.startsWith(`Fn${group}`));
      return fn?.[1].Properties.Timeout;
    };
    for (const [id, fn] of apiFunctions()) expect(fn.Properties.Timeout, id).toBeLessThanOrEqual(29);
    for (const group of ['contests', 'results', 'imports', 'privacy']) expect(timeoutOf(group), group).toBe(29);
    for (const group of ['attempts', 'public', 'auth', 'admin', 'system']) expect(timeoutOf(group), group).toBe(20);
  });
});

describe('api stack: routes and auth', () => {
  it('creates exactly one route per entry of routes.ts, JWT-authorized exactly when it has roles', () => {
    const created = ofType(apiResources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(created.map((r) => r.RouteKey).sort()).toEqual(routes.map(routeKey).sort());
    const [authorizerId] = single(apiResources, 'AWS::ApiGatewayV2::Authorizer');
    for (const route of routes) {
      const props = created.find((r) => r.RouteKey === routeKey(route))!;
      if ('roles' in route) {
        expect(props.AuthorizationType, routeKey(route)).toBe('JWT');
        expect(props.AuthorizerId).toEqual({ Ref: authorizerId });
      } else {
        expect(props.AuthorizationType, routeKey(route)).toBe('NONE');
        expect(props.AuthorizerId).toBeUndefined();
      }
    }
  });

  it('checks staff tokens against the pool, with the app client as audience', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.stringLikeRegexp('^WebClient') }],
        Issuer: { 'Fn::Join': ['', [Match.stringLikeRegexp('^https://cognito-idp\\.'), { Ref: Match.stringLikeRegexp('^StaffPool') }]] },
      },
    });
  });

  it('throttles the stage and the routes that ask for it, and logs access', () => {
    const expected = Object.fromEntries(
      routes.filter((r) => 'throttle' in r).map((r) => [routeKey(r), { ThrottlingRateLimit: r.throttle, ThrottlingBurstLimit: r.throttle * 2 }]),
    );
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: devStage.throttle.stageRateLimit, ThrottlingBurstLimit: devStage.throttle.stageBurstLimit },
      RouteSettings: expected,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  it('has no CORS: the browser reaches the API same-origin through CloudFront', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  it('staff pool: admin-created accounts only, email sign-in, strong passwords, three groups', () => {
    api.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      UsernameAttributes: ['email'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: Match.anyValue(),
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
    const groups = ofType(apiResources, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'observer', 'organizer']);
    api.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      GenerateSecret: false,
      // No hosted-UI OAuth flows (CDK enables implicit + code by default).
      AllowedOAuthFlows: Match.absent(),
      AllowedOAuthFlowsUserPoolClient: false,
    });
  });

  it('creates the first admin from the AdminEmail parameter, with no password in the template', () => {
    api.hasParameter('AdminEmail', { Type: 'String' });
    api.hasResourceProperties('AWS::Cognito::UserPoolUser', {
      Username: { Ref: 'AdminEmail' },
      DesiredDeliveryMediums: ['EMAIL'],
    });
    api.hasResourceProperties('AWS::Cognito::UserPoolUserToGroupAttachment', {
      GroupName: { Ref: Match.stringLikeRegexp('^Groupadmin') },
      Username: { Ref: Match.stringLikeRegexp('^FirstAdmin') },
    });
    expect(JSON.stringify(api.toJSON())).not.toMatch(/"TemporaryPassword"|"Password"/);
  });
});

describe('least privilege', () => {
  const statementsOf = (group: string) =>
    ofType(apiResources, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith(`Fn${group}Role`))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
  const actionsOf = (group: string) => statementsOf(group).flatMap((s) => [s.Action].flat());

  it('never grants dynamodb:*, *, or DynamoDB actions on Resource "*" (but ListStreams, which has no other resource)', () => {
    for (const [id, policy] of ofType(allResources(), 'AWS::IAM::Policy')) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        const actions = [s.Action].flat() as string[];
        expect(actions, id).not.toContain('*');
        expect(actions, id).not.toContain('dynamodb:*');
        // dynamodb:ListStreams supports no resource-level permission; the stream consumer's event source needs it.
        if (actions.some((a) => a.startsWith('dynamodb:')) && [s.Resource].flat().includes('*')) {
          expect(id, JSON.stringify(s)).toMatch(/^StreamConsumerRole/);
          expect(actions).toEqual(['dynamodb:ListStreams']);
        }
      }
    }
  });

  it.each([
    ['system', 'none'],
    ['auth', 'rateLimit'],
    ['public', 'read'],
    ['admin', 'readWrite'],
    ['contests', 'readWrite'],
    ['imports', 'readWrite'],
    ['results', 'readWrite'],
    ['attempts', 'readWrite'],
  ])('%s gets %s access to the table', (group, mode) => {
    const dynamo = actionsOf(group).filter((a) => a.startsWith('dynamodb:'));
    if (mode === 'none') expect(dynamo).toEqual([]);
    if (mode === 'rateLimit') {
      // The sign-in counters only: items whose partition key begins with RATE#.
      expect(dynamo.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
      const s = statementsOf(group).find((st) => [st.Action].flat().includes('dynamodb:UpdateItem')) as { Condition?: unknown };
      expect(s.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } });
      return;
    }
    if (mode !== 'none') expect(dynamo).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    if (mode === 'read') expect(dynamo.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    if (mode === 'readWrite') expect(dynamo).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']));
    expect(dynamo).not.toContain('dynamodb:Scan');
  });

  it('gives Cognito actions only to auth and admin, on the pool only', () => {
    for (const group of functionGroups) {
      const cognito = statementsOf(group).filter((s) => [s.Action].flat().some((a) => a.startsWith('cognito-idp:')));
      if (group === 'auth' || group === 'admin') {
        expect(cognito).toHaveLength(1);
        expect(cognito[0]!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StaffPool/), 'Arn'] });
      } else {
        expect(cognito, group).toEqual([]);
      }
    }
    expect(actionsOf('auth').filter((a) => a.startsWith('cognito-idp:')).sort()).toEqual([
      'cognito-idp:InitiateAuth',
      'cognito-idp:RespondToAuthChallenge',
    ]);
    expect(actionsOf('admin')).not.toContain('cognito-idp:AdminDeleteUser');
  });

  it('uses no AWS managed policy on our function roles', () => {
    for (const [id, role] of ofType(apiResources, 'AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
  });
});

describe('api stack: stream consumer', () => {
  const consumer = () => {
    const found = ofType(apiResources, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('StreamConsumer'));
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  // Cross-stack references to the data stack's table: its ARN (Table<hash>Arn<hash>) and its stream's.
  const tableArn = { 'Fn::ImportValue': expect.stringMatching(/^CuocThi-dev-Data:ExportsOutputFnGetAttTable[0-9A-F]{8}Arn[0-9A-F]{8}$/) };
  const streamArn = { 'Fn::ImportValue': expect.stringMatching(/^CuocThi-dev-Data:ExportsOutputFnGetAttTable[0-9A-F]{8}StreamArn[0-9A-F]{8}$/) };
  const isStreamArn = (r: unknown) => /StreamArn/.test(JSON.stringify(r));

  it('runs handlers/stream.ts on arm64 Node 22, 512 MB, 60 s, with its own log group and role', () => {
    const [, fn] = consumer();
    expect(fn.Properties).toMatchObject({
      Architectures: ['arm64'],
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 60,
      LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/^StreamConsumerLogs/) } },
      Role: { 'Fn::GetAtt': [expect.stringMatching(/^StreamConsumerRole/), 'Arn'] },
    });
    expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual(['LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'TABLE_NAME']);
    const [, logs] = ofType(apiResources, 'AWS::Logs::LogGroup').find(([id]) => id.startsWith('StreamConsumerLogs'))!;
    expect(logs.Properties.RetentionInDays).toBe(devStage.logRetentionDays);
  });

  it('reads the table stream in order; partial batch responses, split at the failure, bounded retries and age, then an SQS queue', () => {
    const [fnId] = consumer();
    // The other mapping is the jobs worker's queue (test/infra/jobs.test.ts).
    const [, mapping] = ofType(apiResources, 'AWS::Lambda::EventSourceMapping').find(([, m]) => m.Properties.FunctionName?.Ref === fnId)!;
    const [queueId] = ofType(apiResources, 'AWS::SQS::Queue').find(([id]) => id.startsWith('StreamConsumerOnFailure'))!;
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: streamArn,
      FunctionName: { Ref: fnId },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 1,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86400,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('may touch the table items, its indexes and its stream only: no Scan, no batch writes, "*" for ListStreams alone', () => {
    const statements = ofType(apiResources, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('StreamConsumerRole'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const dynamo = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('dynamodb:')));
    const actions = dynamo.flatMap((st) => [st.Action].flat());
    expect([...actions].sort()).toEqual(
      [
        ...STREAM_CONSUMER_READ_ACTIONS,
        ...STREAM_CONSUMER_WRITE_ACTIONS,
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
      ].sort(),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
    const indexArns = Object.keys(tableDefinition.indexes).map((name) => ({ 'Fn::Join': ['', [tableArn, `/index/${name}`]] }));
    for (const st of dynamo) {
      const stActions = [st.Action].flat();
      const resources = [st.Resource].flat();
      if (resources.includes('*')) {
        expect(stActions, 'only ListStreams, which has no resource-level permission').toEqual(['dynamodb:ListStreams']);
        expect(resources).toEqual(['*']);
      } else if (stActions.some((a) => /Stream|GetRecords|GetShardIterator/.test(a))) {
        expect(resources).toEqual([streamArn]);
      } else if (stActions.some((a) => /Put|Update|Delete|ConditionCheck/.test(a))) {
        expect(resources).toEqual([tableArn]);
        expect(resources.some(isStreamArn)).toBe(false);
      } else {
        expect(resources).toEqual([tableArn, ...indexArns]);
        expect(resources.some(isStreamArn)).toBe(false);
      }
    }
  });

  it('alarms when it falls behind, on any error and on its queue holding a message, each notifying the topic', () => {
    const [fnId] = consumer();
    const alarms = ofType(apiResources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const onConsumer = alarms.filter((a) => JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fnId } }]));
    expect(onConsumer.map((a) => a.MetricName).sort()).toEqual(['Errors', 'IteratorAge', 'Throttles']);
    expect(onConsumer.find((a) => a.MetricName === 'IteratorAge')).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: devStage.alarms.iteratorAgeMs,
      EvaluationPeriods: 1,
    });
    expect(onConsumer.find((a) => a.MetricName === 'Errors')).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 300, Threshold: 1 });
    const [queueId] = ofType(apiResources, 'AWS::SQS::Queue').find(([id]) => id.startsWith('StreamConsumerOnFailure'))!;
    expect(alarms.find((a) => JSON.stringify(a.Dimensions)?.includes(queueId))).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    for (const a of onConsumer) expect(a.AlarmActions).toHaveLength(1);
  });
});

describe('api stack: throttles from the stage settings (cdk.json), overridable with -c', () => {
  const stageOf = (context: Record<string, unknown>) => {
    const app = newApp(context);
    const { api: stack } = defineApp(app, { webDist: fakeWebDist(), nag: false });
    const [, stage] = single(Template.fromStack(stack).toJSON().Resources, 'AWS::ApiGatewayV2::Stage');
    return stage.Properties;
  };

  it("dev carries today's figures: stage 500 rps, burst 1000; starts 200 rps, burst 400", () => {
    expect(devStage.throttle).toEqual({ stageRateLimit: 500, stageBurstLimit: 1000, startRateLimit: 200 });
    const stage = single(apiResources, 'AWS::ApiGatewayV2::Stage')[1].Properties;
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 });
    expect(stage.RouteSettings[START_ROUTE_KEY]).toEqual({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 });
  });

  it('takes stageRateLimit, stageBurstLimit and startRateLimit from the command line (-c key=value gives strings)', () => {
    const stage = stageOf({ stageRateLimit: '8000', stageBurstLimit: '5000', startRateLimit: '1500' });
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 8000, ThrottlingBurstLimit: 5000 });
    expect(stage.RouteSettings[START_ROUTE_KEY]).toEqual({ ThrottlingRateLimit: 1500, ThrottlingBurstLimit: 3000 });
    // Other throttled routes keep routes.ts' figures.
    expect(stage.RouteSettings['POST /api/auth/login']).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
  });

  it.each(['stageRateLimit', 'stageBurstLimit', 'startRateLimit'])('refuses a %s that is not a positive integer, naming it', (key) => {
    for (const bad of ['0', '-5', '2.5', '1e3', 'lots', '', 0, -5, 2.5, true, null]) {
      const app = newApp({ [key]: bad });
      expect(() => defineApp(app, { webDist: fakeWebDist(), nag: false }), `${key}=${JSON.stringify(bad)}`).toThrow(
        new RegExp(`stages\\.dev\\.throttle\\.${key}`),
      );
    }
  });
});

describe('web stack', () => {
  it('keeps every bucket private, encrypted and TLS-only', () => {
    const buckets = ofType(webResources, 'AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThanOrEqual(2);
    for (const [, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    }
    for (const [id, policy] of ofType(webResources, 'AWS::S3::BucketPolicy')) {
      const statements = policy.Properties.PolicyDocument.Statement;
      expect(statements, id).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      for (const s of statements.filter((s: any) => s.Effect === 'Allow')) expect(s.Principal, id).not.toBe('*');
    }
  });

  it('reads the site bucket through origin access control, granted to this distribution only', () => {
    web.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    web.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Site') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  /** The CloudFront Function whose code matches, as [logicalId, resource]. */
  const cfFunction = (pattern: RegExp) => {
    const found = ofType(webResources, 'AWS::CloudFront::Function').filter(([, f]) => pattern.test(f.Properties.FunctionCode));
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('proxies /api/* uncached to the HTTP API, and rewrites SPA paths only on the S3 behaviour', () => {
    const [fnId] = cfFunction(/index\.html/);
    const [addressFnId] = cfFunction(/x-viewer-address/);
    const [, distribution] = single(webResources, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    // No error page: it would also rewrite the API's 404s into index.html. Only a caching time of 0.
    for (const r of config.CustomErrorResponses) expect(Object.keys(r).sort()).toEqual(['ErrorCachingMinTTL', 'ErrorCode']);
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } },
    ]);
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeDefined();
    const apiBehaviour = config.CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    expect(apiBehaviour).toMatchObject({
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
      ViewerProtocolPolicy: 'https-only',
    });
    expect(apiBehaviour.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [addressFnId, 'FunctionARN'] } },
    ]);
    const apiOrigin = config.Origins.find((o: any) => o.Id === apiBehaviour.TargetOriginId);
    expect(apiOrigin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(JSON.stringify(apiOrigin.DomainName)).toMatch(/ApiEndpoint/);
    // The origin secret: a Secrets Manager dynamic reference, never a literal value in the template.
    expect(apiOrigin.OriginCustomHeaders).toHaveLength(1);
    expect(apiOrigin.OriginCustomHeaders[0].HeaderName).toBe('X-Origin-Verify');
    expect(JSON.stringify(apiOrigin.OriginCustomHeaders[0].HeaderValue)).toMatch(/\{\{resolve:secretsmanager:/);
  });

  it('caches the public reads at the edge per origin Cache-Control, still forwarding every method', () => {
    const [, distribution] = single(webResources, 'AWS::CloudFront::Distribution');
    const behaviours: any[] = distribution.Properties.DistributionConfig.CacheBehaviors;
    const patterns = behaviours.map((b) => b.PathPattern);
    const catchAll = behaviours.find((b) => b.PathPattern === '/api/*');
    const [policyId, policy] = single(webResources, 'AWS::CloudFront::CachePolicy');
    const config = policy.Properties.CachePolicyConfig;
    expect(config).toMatchObject({ MinTTL: 0, DefaultTTL: 0, MaxTTL: 30 });
    expect(config.ParametersInCacheKeyAndForwardedToOrigin).toEqual({
      CookiesConfig: { CookieBehavior: 'none' },
      HeadersConfig: { HeaderBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['limit'] },
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
    });
    for (const pattern of ['/api/contests*', '/api/units']) {
      const behaviour = behaviours.find((b) => b.PathPattern === pattern);
      // CloudFront takes the first matching pattern: these must precede the uncached /api/*.
      expect(patterns.indexOf(pattern), pattern).toBeLessThan(patterns.indexOf('/api/*'));
      // ALLOW_ALL: POST /api/contests/{id}/attempts (attempt starts) falls under /api/contests*.
      expect(behaviour.AllowedMethods.sort(), pattern).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
      expect(behaviour.CachedMethods.sort(), pattern).toEqual(['GET', 'HEAD']);
      expect(behaviour.CachePolicyId, pattern).toEqual({ Ref: policyId });
      // Same origin, origin request policy, viewer-address function and security headers as /api/*.
      for (const key of ['TargetOriginId', 'OriginRequestPolicyId', 'FunctionAssociations', 'ResponseHeadersPolicyId', 'ViewerProtocolPolicy', 'Compress']) {
        expect(behaviour[key], `${pattern} ${key}`).toEqual(catchAll[key]);
      }
    }
    // Every route under the cached prefixes is public: no staff token would be dropped or cached.
    const underCached = routes.filter((r) => r.path.startsWith('/api/contests') || r.path === '/api/units');
    expect(underCached.map(routeKey)).toContain('POST /api/contests/{contestId}/attempts');
    for (const route of underCached) expect('roles' in route, routeKey(route)).toBe(false);
  });

  it('viewer address: the edge writes the viewer IP, replacing what the viewer sent', () => {
    const [, fn] = cfFunction(/x-viewer-address/);
    const handler = new Function(`${fn.Properties.FunctionCode}; return handler;`)() as (e: unknown) => { headers: Record<string, { value: string }> };
    const out = handler({ viewer: { ip: '2001:db8::7' }, request: { uri: '/api/x', headers: { 'x-viewer-address': { value: '1.2.3.4' }, accept: { value: '*/*' } } } });
    expect(out.headers['x-viewer-address']).toEqual({ value: '2001:db8::7' });
    expect(out.headers.accept).toEqual({ value: '*/*' });
  });

  it('SPA rewrite: extension-less paths get the app shell, files pass through', () => {
    const [, fn] = cfFunction(/index\.html/);
    const handler = new Function(`${fn.Properties.FunctionCode}; return handler;`)() as (e: unknown) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/contests/abc')).toBe('/index.html');
    expect(rewrite('/admin/contests/abc/results')).toBe('/index.html');
    expect(rewrite('/assets/index-abc123.js')).toBe('/assets/index-abc123.js');
    expect(rewrite('/favicon.ico')).toBe('/favicon.ico');
  });

  it('sends security headers', () => {
    web.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: Match.anyValue() }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: Match.objectLike({ ReferrerPolicy: 'strict-origin-when-cross-origin' }),
          ContentSecurityPolicy: Match.objectLike({ ContentSecurityPolicy: Match.stringLikeRegexp("default-src 'self'") }),
        }),
      },
    });
  });

  it('deploys hashed assets immutable and the shell revalidated, invalidating the CDN', () => {
    web.hasResourceProperties('Custom::CDKBucketDeployment', {
      Include: ['assets/*'],
      Prune: false,
      SystemMetadata: { 'cache-control': Match.stringLikeRegexp('immutable') },
    });
    web.hasResourceProperties('Custom::CDKBucketDeployment', {
      Exclude: ['assets/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionPaths: ['/*'],
    });
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it.each(['dev', 'prod'])('has no unacknowledged finding on stage %s, and synth passes validation', (stage) => {
    const app = newApp();
    defineApp(app, { webDist: fakeWebDist(), stage });
    const findings = new AwsSolutionsChecks().validateScope(app).violations.map(
      (v) => `${v.ruleName} (${v.severity}): ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });
});
