// Staff identity (Cognito), one Lambda per route group, and the HTTP API whose routes and
// authorizer come from routes.ts, the same table the local gateway serves.
import { CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { ComparisonOperator, MathExpression, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  CfnUserPoolUser,
  CfnUserPoolUserToGroupAttachment,
  FeaturePlan,
  Mfa,
  UserPool,
  UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { functionGroups, routeKey, routes, type FunctionGroup } from '#adapters/http/routes.ts';
import { DEFAULT_START_RATE_PER_MINUTE } from '#domain/rate-limit.ts';
import { ROLES, type Role } from '#domain/staff.ts';
import { ALARM_PERIOD, notifyingAlarm, queueNotEmptyAlarm } from '../constructs/alarms.ts';
import { ApiFunction, MAX_API_TIMEOUT, type TableAccess } from '../constructs/api-function.ts';
import { Jobs } from '../constructs/jobs.ts';
import { StreamConsumer } from '../constructs/stream-consumer.ts';
import type { Stage } from '../stage.ts';

interface GroupConfig {
  table: TableAccess;
  /** Gets ORIGIN_VERIFY_SECRET, to believe the viewer address CloudFront adds (per-address rate limits). */
  originSecret?: boolean;
  cognito?: string[];
  timeoutSec?: number;
  memorySize?: number;
}

// Least privilege per function. Typed as a Record so a new group in routes.ts fails the build until it is configured here.
// Timeouts: 20 s by default (api-function.ts), 29 s at most. Closing a contest, exports and the
// retention purge run as background jobs (infra/constructs/jobs.ts); the functions that start them
// keep their headroom for the requests that remain O(N) (results of an open contest, erasure).
const groupConfig: Record<FunctionGroup, GroupConfig> = {
  system: { table: 'none' },
  // Cognito does not evaluate IAM for these two public-client calls; granting them documents the intent and costs nothing.
  // Its table access is the rate-limit counters only (failed sign-ins per address).
  auth: { table: 'rateLimit', originSecret: true, cognito: ['InitiateAuth', 'RespondToAuthChallenge'] },
  // Exactly the calls of createStaffAccount (adapters/auth/cognito.ts).
  admin: { table: 'readWrite', cognito: ['AdminCreateUser', 'AdminSetUserPassword', 'AdminAddUserToGroup'] },
  public: { table: 'read' },
  // Closing a contest finalises every open attempt, and exports build whole spreadsheets: more memory for more CPU.
  contests: { table: 'readWrite', timeoutSec: MAX_API_TIMEOUT.toSeconds(), memorySize: 1024 },
  // Parsing a 5 MB spreadsheet of thousands of questions: CPU and time to spare.
  imports: { table: 'readWrite', timeoutSec: MAX_API_TIMEOUT.toSeconds(), memorySize: 1024 },
  results: { table: 'readWrite', timeoutSec: MAX_API_TIMEOUT.toSeconds(), memorySize: 1024 },
  attempts: { table: 'readWrite', originSecret: true },
  // Erasure rewrites final rankings; the daily retention purge deletes whole contests' people and
  // resumes where it stopped if cut short.
  privacy: { table: 'readWrite', timeoutSec: MAX_API_TIMEOUT.toSeconds(), memorySize: 1024 },
};

/**
 * Abuse controls of every function (functions/handlers/abuse.ts): attempt starts per client address
 * per minute, failed sign-ins per address per minute, and the proof of work a start needs
 * (12 bits: about 4,096 SHA-256 hashes, a median of 0.15–0.24 s in a 4x-throttled browser; README, Abuse controls).
 */
export const ABUSE_ENV = { START_RATE_PER_MINUTE: String(DEFAULT_START_RATE_PER_MINUTE), LOGIN_FAILURES_PER_MINUTE: '20', START_POW_BITS: '12' };

/** The attempt-start route, whose throttle (routes.ts, burst twice the rate) the stage's `throttle.startRateLimit` overrides. */
export const START_ROUTE_KEY = 'POST /api/contests/{contestId}/attempts';
const startRoute = routes.find((r) => routeKey(r) === START_ROUTE_KEY);
if (!startRoute || !('throttle' in startRoute)) throw new Error(`routes.ts must throttle ${START_ROUTE_KEY}`);

export interface ApiStackProps extends StackProps {
  table: ITable;
  stage: Stage;
  alarmTopic: ITopic;
}

export class ApiStack extends Stack {
  readonly httpApi: HttpApi;
  /** Host name of the execute-api endpoint, for the CloudFront origin. */
  readonly apiDomain: string;
  readonly functions: Record<FunctionGroup, ApiFunction>;
  /** Sent by CloudFront on every origin request (X-Origin-Verify): the API believes the viewer address only with it. */
  readonly originVerifySecret: Secret;
  /** Folds the table's stream into the aggregates (handlers/stream.ts). */
  readonly streamConsumer: StreamConsumer;
  /** Background jobs: queue, worker, exports bucket (infra/constructs/jobs.ts). */
  readonly jobs: Jobs;
  /** Dead-letter queue of the scheduled retention purge. */
  readonly retentionDlq: Queue;
  /** Dead-letter queue of the round finalisation schedule (docs/rounds.md). */
  readonly roundFinalizeDlq: Queue;
  /** Every alarm of this stack, each notifying the stage's topic. */
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const { settings } = stage;
    const retain = settings.retainData;

    // The stage's adminEmail (validated at synth) is the default, so a plain redeploy keeps it.
    const adminEmail = new CfnParameter(this, 'AdminEmail', {
      type: 'String',
      default: settings.adminEmail,
      description: 'Email of the first administrator. Cognito emails them a temporary password; none is stored anywhere.',
      allowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
      constraintDescription: 'must be an email address',
    });

    const userPool = new UserPool(this, 'StaffPool', {
      // Staff accounts only: admins create them; participants never sign in.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OFF,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      userInvitation: {
        emailSubject: 'Tài khoản quản trị cuộc thi trực tuyến',
        emailBody:
          'Tên đăng nhập: {username}<br>Mật khẩu tạm thời: {####}<br>Hãy đăng nhập trong 3 ngày và đặt mật khẩu mới.',
      },
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'Contract v1 login is email + password returning a token, with no MFA step; staff accounts are admin-created only, with a 12-character policy and a 20 rps login throttle. Add TOTP when the login flow gains a challenge step.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus plan bills every staff monthly active user, and its enforced adaptive authentication answers risky sign-ins with MFA or a block that the v1 password-only login cannot complete. Revisit together with MFA.',
      },
    );

    const client = new UserPoolClient(this, 'WebClient', {
      userPool,
      // The auth Lambda signs staff in server-side; a secret would only sit next to the code that uses it.
      generateSecret: false,
      authFlows: { userPassword: true }, // ALLOW_REFRESH_TOKEN_AUTH is always added
      // No hosted UI: CDK would otherwise enable the implicit and code OAuth flows.
      disableOAuth: true,
      preventUserExistenceErrors: true,
    });

    const groups = Object.fromEntries(
      ROLES.map((role, precedence) => [
        role,
        new CfnUserPoolGroup(this, `Group-${role}`, { userPoolId: userPool.userPoolId, groupName: role, precedence }),
      ]),
    ) as Record<Role, CfnUserPoolGroup>;

    const firstAdmin = new CfnUserPoolUser(this, 'FirstAdmin', {
      userPoolId: userPool.userPoolId,
      username: adminEmail.valueAsString,
      userAttributes: [
        { name: 'email', value: adminEmail.valueAsString },
        { name: 'email_verified', value: 'true' },
      ],
      desiredDeliveryMediums: ['EMAIL'],
    });
    new CfnUserPoolUserToGroupAttachment(this, 'FirstAdminInAdminGroup', {
      userPoolId: userPool.userPoolId,
      groupName: groups.admin.ref,
      username: firstAdmin.ref,
    });

    this.originVerifySecret = new Secret(this, 'OriginVerifySecret', {
      description: 'Value CloudFront sends as X-Origin-Verify to the API; proves a request came through the distribution',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.originVerifySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Resolved at deploy time into the CloudFront origin header and the functions environment, so a rotation Lambda could not reach them; rotate by putting a new value and deploying both stacks (README, "Abuse controls").',
    });
    // A CloudFormation dynamic reference: the value never appears in the template.
    const originSecretValue = this.originVerifySecret.secretValue.unsafeUnwrap();

    this.functions = Object.fromEntries(
      functionGroups.map((group) => {
        const config = groupConfig[group];
        const fn = new ApiFunction(this, `Fn-${group}`, {
          group,
          stage,
          ...(config.timeoutSec ? { timeout: Duration.seconds(config.timeoutSec) } : {}),
          ...(config.memorySize ? { memorySize: config.memorySize } : {}),
          environment: {
            USER_POOL_ID: userPool.userPoolId,
            USER_POOL_CLIENT_ID: client.userPoolClientId,
            ...ABUSE_ENV,
            ...(config.originSecret ? { ORIGIN_VERIFY_SECRET: originSecretValue } : {}),
          },
        }).bindTable(props.table, config.table);
        if (config.cognito) {
          fn.addToRolePolicy(
            new PolicyStatement({
              actions: config.cognito.map((action) => `cognito-idp:${action}`),
              resources: [userPool.userPoolArn],
            }),
          );
        }
        Validations.of(fn).acknowledge({
          id: 'AwsSolutions-L1',
          reason: 'Pinned to Node.js 22 on purpose: the bundle test and local mode run on Node 20/22; move to 24 as a tested change.',
        });
        return [group, fn];
      }),
    ) as Record<FunctionGroup, ApiFunction>;

    this.streamConsumer = new StreamConsumer(this, 'StreamConsumer', { table: props.table, stage, alarmTopic: props.alarmTopic });

    // Close, exports and the retention purge run as jobs: these functions start them (and the
    // results function signs the links of finished exports); the worker runs them.
    this.jobs = new Jobs(this, 'Jobs', { table: props.table, stage, alarmTopic: props.alarmTopic });
    for (const group of ['contests', 'results', 'privacy'] as const) this.jobs.grantStart(this.functions[group]);
    this.jobs.grantFiles(this.functions.results, false);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Contest API, reached through CloudFront under /api',
      // Same-origin: the browser only ever calls the CloudFront domain, so no CORS.
      createDefaultStage: false,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: settings.logRetentionDays as RetentionDays,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const apiStage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.throttle.stageRateLimit, burstLimit: settings.throttle.stageBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    const authorizer = new HttpUserPoolAuthorizer('StaffAuthorizer', userPool, { userPoolClients: [client] });
    const integrations = Object.fromEntries(
      functionGroups.map((group) => [group, new HttpLambdaIntegration(`${group}Integration`, this.functions[group])]),
    ) as Record<FunctionGroup, HttpLambdaIntegration>;

    const cfnStage = apiStage.node.defaultChild as CfnStage;
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of routes) {
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations[route.group],
        ...('roles' in route ? { authorizer } : {}),
      });
      if (!('roles' in route)) {
        // The JWT authorizer only proves "staff"; the role check itself is in the handler, which has the claims.
        Validations.of(httpRoute!).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Public by design: participants are anonymous and prove ownership of an attempt with its X-Attempt-Token, checked in the handler; health, login and the public contest pages need no identity.',
        });
      }
      if ('throttle' in route) {
        const rate = routeKey(route) === START_ROUTE_KEY ? settings.throttle.startRateLimit : route.throttle;
        routeSettings[routeKey(route)] = { ThrottlingRateLimit: rate, ThrottlingBurstLimit: rate * 2 };
        // Route settings naming a route that does not exist yet fail the deployment.
        cfnStage.node.addDependency(httpRoute!);
      }
    }
    cfnStage.routeSettings = routeSettings;

    this.apiDomain = Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));

    // Retention: once a day (02:30 in Vietnam, UTC+7) the privacy function gets EventBridge's scheduled
    // event and removes the phone numbers of contests whose closedAt + retentionDays has passed.
    // A run that cannot be delivered (EventBridge) or fails after Lambda's async retries ends in the
    // dead-letter queue, which alarms.
    this.retentionDlq = new Queue(this, 'RetentionDlq', {
      queueName: `${stage.resourcePrefix}-retention-failed`,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.retentionDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the retention schedule; nothing consumes it.',
    });
    this.functions.privacy.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.retentionDlq),
    });
    new Rule(this, 'RetentionSchedule', {
      description: 'Daily retention purge of participants phone numbers (privacy function)',
      schedule: Schedule.cron({ minute: '30', hour: '19' }),
      targets: [new LambdaFunction(this.functions.privacy, { retryAttempts: 2, maxEventAge: Duration.hours(6), deadLetterQueue: this.retentionDlq })],
    });

    // Rounds (docs/rounds.md): every minute the contests function gets EventBridge's scheduled event
    // and writes the final ranking of each round whose window plus the 30 s grace has passed, with no
    // organizer action. A failed run is not retried (the next minute's run does the same work,
    // idempotently); it lands in a dead-letter queue that alarms, as do the function's errors.
    this.roundFinalizeDlq = new Queue(this, 'RoundFinalizeDlq', {
      queueName: `${stage.resourcePrefix}-round-finalize-failed`,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.roundFinalizeDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the round finalisation schedule; nothing consumes it.',
    });
    this.functions.contests.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(2),
      onFailure: new SqsDestination(this.roundFinalizeDlq),
    });
    new Rule(this, 'RoundFinalizeSchedule', {
      description: 'Every minute: final rankings of rounds whose window plus grace has passed (contests function)',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.functions.contests, { retryAttempts: 0, maxEventAge: Duration.minutes(2), deadLetterQueue: this.roundFinalizeDlq })],
    });

    this.alarms.push(...this.defineAlarms(stage, props.alarmTopic));

    new CfnOutput(this, 'ApiEndpoint', { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
  }

  /** The HTTP API's 5xx rate and p99 latency, and each function's errors and throttles. */
  private defineAlarms(stage: Stage, topic: ITopic): Alarm[] {
    const { alarms } = stage.settings;
    const common = { stage, topic };
    const out: Alarm[] = [
      notifyingAlarm(this, 'Api5xxAlarm', {
        ...common,
        name: 'api-5xx',
        description: `The API answered 5xx to ${alarms.api5xxPercent}%+ of requests over 5 minutes (people see errors).`,
        metric: new MathExpression({
          // No requests: no rate (missing data, not breaching).
          expression: 'IF(requests > 0, 100 * errors / requests)',
          usingMetrics: {
            errors: this.httpApi.metricServerError({ statistic: 'Sum', period: ALARM_PERIOD }),
            requests: this.httpApi.metricCount({ statistic: 'Sum', period: ALARM_PERIOD }),
          },
          label: '5xx %',
          period: ALARM_PERIOD,
        }),
        threshold: alarms.api5xxPercent,
      }),
      notifyingAlarm(this, 'ApiLatencyAlarm', {
        ...common,
        name: 'api-p99-latency',
        description: `The API's p99 latency was over ${alarms.apiP99LatencyMs} ms for 10 minutes.`,
        metric: this.httpApi.metricLatency({ statistic: 'p99', period: ALARM_PERIOD }),
        threshold: alarms.apiP99LatencyMs,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
      }),
    ];
    // The stream consumer's errors alarm is its own (stream-consumer.ts); its throttles are here.
    const fns = [...Object.entries(this.functions), ['stream', this.streamConsumer] as const];
    for (const [group, fn] of fns) {
      if (group !== 'stream') {
        out.push(
          notifyingAlarm(this, `Errors-${group}`, {
            ...common,
            name: `lambda-errors-${group}`,
            runbook: 'lambda-errors',
            description: `Function ${group} crashed or timed out ${alarms.lambdaErrors}+ times in 5 minutes (handled errors are answered, not counted here).`,
            metric: fn.metricErrors({ statistic: 'Sum', period: ALARM_PERIOD }),
            threshold: alarms.lambdaErrors,
          }),
        );
      }
      out.push(
        notifyingAlarm(this, `Throttles-${group}`, {
          ...common,
          name: `lambda-throttles-${group}`,
          runbook: 'lambda-throttles',
          description: `Function ${group} was throttled ${alarms.lambdaThrottles}+ times in 5 minutes (account concurrency exhausted: people get 503).`,
          metric: fn.metricThrottles({ statistic: 'Sum', period: ALARM_PERIOD }),
          threshold: alarms.lambdaThrottles,
        }),
      );
    }
    out.push(
      ...this.streamConsumer.alarms,
      ...this.jobs.alarms,
      queueNotEmptyAlarm(this, 'RetentionDlqAlarm', {
        ...common,
        queue: this.retentionDlq,
        name: 'retention-dlq',
        description: 'The daily retention purge failed (after retries) or could not be delivered: phone numbers past their retention may still be stored.',
      }),
      queueNotEmptyAlarm(this, 'RoundFinalizeDlqAlarm', {
        ...common,
        queue: this.roundFinalizeDlq,
        name: 'round-finalize-dlq',
        description: 'A run of the round finalisation schedule failed: a round that has ended may be waiting for its final ranking (the next run tries again).',
      }),
    );
    return out;
  }
}
