// Staff identity (Cognito), one Lambda per route group, and the HTTP API whose routes and
// authorizer come from routes.ts, the same table the local gateway serves.
import { CfnOutput, CfnParameter, Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
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
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { functionGroups, routeKey, routes, type FunctionGroup } from '#adapters/http/routes.ts';
import { ROLES, type Role } from '#domain/staff.ts';
import { ApiFunction, type TableAccess } from '../constructs/api-function.ts';
import { StreamConsumer } from '../constructs/stream-consumer.ts';

interface GroupConfig {
  table: TableAccess;
  /** Gets ORIGIN_VERIFY_SECRET, to believe the viewer address CloudFront adds (per-address rate limits). */
  originSecret?: boolean;
  cognito?: string[];
  timeoutSec?: number;
  memorySize?: number;
}

// Least privilege per function. Typed as a Record so a new group in routes.ts fails the build until it is configured here.
const groupConfig: Record<FunctionGroup, GroupConfig> = {
  system: { table: 'none' },
  // Cognito does not evaluate IAM for these two public-client calls; granting them documents the intent and costs nothing.
  // Its table access is the rate-limit counters only (failed sign-ins per address).
  auth: { table: 'rateLimit', originSecret: true, cognito: ['InitiateAuth', 'RespondToAuthChallenge'] },
  admin: {
    table: 'readWrite',
    cognito: [
      'AdminCreateUser',
      'AdminSetUserPassword',
      'AdminAddUserToGroup',
      'AdminRemoveUserFromGroup',
      'AdminListGroupsForUser',
      'AdminGetUser',
      'ListUsers',
    ],
  },
  public: { table: 'read' },
  // Closing a contest finalises every open attempt, and exports build whole spreadsheets: more time, and more memory for more CPU.
  contests: { table: 'readWrite', timeoutSec: 60, memorySize: 1024 },
  // Parsing a 5 MB spreadsheet of thousands of questions: CPU and time to spare.
  imports: { table: 'readWrite', timeoutSec: 30, memorySize: 1024 },
  results: { table: 'readWrite', timeoutSec: 60, memorySize: 1024 },
  attempts: { table: 'readWrite', originSecret: true },
  // Erasure rewrites final rankings; the daily retention purge deletes whole contests' people (resumable if cut short).
  privacy: { table: 'readWrite', timeoutSec: 300, memorySize: 1024 },
};

/**
 * Abuse controls of every function (functions/handlers/abuse.ts): attempt starts per client address
 * per minute, failed sign-ins per address per minute, and the proof of work a start needs
 * (12 bits: about 4,096 SHA-256 hashes, a median of 0.15–0.24 s in a 4x-throttled browser; README, Abuse controls).
 */
export const ABUSE_ENV = { START_RATE_PER_MINUTE: '300', LOGIN_FAILURES_PER_MINUTE: '20', START_POW_BITS: '12' };

/** Whole-API ceiling; per-route limits in routes.ts sit below it. Context `stageRateLimit` / `stageBurstLimit` override it. */
export const DEFAULT_THROTTLE = { rateLimit: 500, burstLimit: 1000 };

/** The attempt-start route, whose throttle (routes.ts, burst twice the rate) context `startRateLimit` overrides. */
export const START_ROUTE_KEY = 'POST /api/contests/{contestId}/attempts';
const startRoute = routes.find((r) => routeKey(r) === START_ROUTE_KEY);
if (!startRoute || !('throttle' in startRoute)) throw new Error(`routes.ts must throttle ${START_ROUTE_KEY}`);
export const DEFAULT_START_RATE_LIMIT: number = startRoute.throttle;

/**
 * API Gateway throttles sized per deployment (docs/scale.md: a province-wide peak needs far more than
 * the defaults): `npx cdk deploy --all -c stageRateLimit=8000 -c stageBurstLimit=5000 -c startRateLimit=1500`.
 */
export const THROTTLE_CONTEXT = {
  stageRateLimit: DEFAULT_THROTTLE.rateLimit,
  stageBurstLimit: DEFAULT_THROTTLE.burstLimit,
  startRateLimit: DEFAULT_START_RATE_LIMIT,
} as const;
export type ThrottleContext = { -readonly [K in keyof typeof THROTTLE_CONTEXT]: number };

/** A context value that must be a positive integer: a number, or its decimal digits (what `-c key=value` gives). */
function positiveIntegerContext(scope: Construct, key: keyof typeof THROTTLE_CONTEXT): number {
  const raw: unknown = scope.node.tryGetContext(key);
  if (raw === undefined) return THROTTLE_CONTEXT[key];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new Error(
      `CDK context ${key} must be a positive integer (requests per second), got ${JSON.stringify(raw)}; e.g. -c ${key}=${THROTTLE_CONTEXT[key]}`,
    );
  }
  return n;
}

/** The throttles of this deployment: CDK context values, today's figures by default. */
export function throttleContext(scope: Construct): ThrottleContext {
  return {
    stageRateLimit: positiveIntegerContext(scope, 'stageRateLimit'),
    stageBurstLimit: positiveIntegerContext(scope, 'stageBurstLimit'),
    startRateLimit: positiveIntegerContext(scope, 'startRateLimit'),
  };
}

export interface ApiStackProps extends StackProps {
  table: ITable;
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
  /** The API Gateway throttles this stack was synthesized with. */
  readonly throttles: ThrottleContext;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    // Read first: a bad value fails the synth before anything is built.
    this.throttles = throttleContext(this);

    const adminEmail = new CfnParameter(this, 'AdminEmail', {
      type: 'String',
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
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
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

    this.streamConsumer = new StreamConsumer(this, 'StreamConsumer', { table: props.table });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Contest API, reached through CloudFront under /api',
      // Same-origin: the browser only ever calls the CloudFront domain, so no CORS.
      createDefaultStage: false,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: this.throttles.stageRateLimit, burstLimit: this.throttles.stageBurstLimit },
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

    const cfnStage = stage.node.defaultChild as CfnStage;
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
        const rate = routeKey(route) === START_ROUTE_KEY ? this.throttles.startRateLimit : route.throttle;
        routeSettings[routeKey(route)] = { ThrottlingRateLimit: rate, ThrottlingBurstLimit: rate * 2 };
        // Route settings naming a route that does not exist yet fail the deployment.
        cfnStage.node.addDependency(httpRoute!);
      }
    }
    cfnStage.routeSettings = routeSettings;

    this.apiDomain = Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));

    // Retention: once a day (02:30 in Vietnam, UTC+7) the privacy function gets EventBridge's scheduled
    // event and removes the phone numbers of contests whose closedAt + retentionDays has passed.
    new Rule(this, 'RetentionSchedule', {
      description: 'Daily retention purge of participants phone numbers (privacy function)',
      schedule: Schedule.cron({ minute: '30', hour: '19' }),
      targets: [new LambdaFunction(this.functions.privacy, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });

    new CfnOutput(this, 'ApiEndpoint', { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
  }
}
