// Our NodejsFunction defaults, plus explicit, per-function DynamoDB access.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { tableDefinition } from '#adapters/dynamodb/table.ts';
import { handlerEntry, lambdaBundling, repoRoot, type BundledHandler } from '../bundling.ts';
import type { Stage } from '../stage.ts';

/** `rateLimit`: read and update the rate-limit counters (`PK` beginning `RATE#`) and nothing else. */
export type TableAccess = 'none' | 'read' | 'readWrite' | 'rateLimit';

// Item-level actions only: every access pattern is a key lookup or a Query (see keys.ts),
// so no Scan, and nothing on the table's configuration.
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem', // TransactWriteItems conditions on items it does not write
];

/**
 * API Gateway gives up on an integration after 30 s and answers 503 while the function runs on, so
 * no API function may run longer than 29 s. What can take longer (closing a big contest, a big
 * export, the retention purge) must become a background job (docs/operations.md lists them).
 */
export const MAX_API_TIMEOUT = Duration.seconds(29);
/**
 * Room for the worst case of one AWS SDK call (3 attempts with timeouts and backoff, about 15 s:
 * functions/adapters/aws/settings.ts) plus the handler's own work, so a failing call ends in a
 * logged error with its request id rather than a Lambda timeout.
 */
export const DEFAULT_API_TIMEOUT = Duration.seconds(20);

export interface ApiFunctionProps {
  /** An API group of routes.ts, or another bundled handler (the share page). */
  group: BundledHandler;
  stage: Stage;
  /** @default DEFAULT_API_TIMEOUT; at most MAX_API_TIMEOUT */
  timeout?: Duration;
  /** @default 512 MB */
  memorySize?: number;
  environment?: Record<string, string>;
  /** Files copied next to the bundle (absolute paths), read at run time from LAMBDA_TASK_ROOT. */
  copyFiles?: string[];
}

/**
 * What every function of the stack shares: its own log group (instead of the deprecated logRetention
 * custom resource) and its own role (instead of AWSLambdaBasicExecutionRole: it may write to its log
 * group, and gets the rest by explicit grants), arm64, Node 22, the shared bundling.
 */
export function functionDefaults(
  scope: Construct,
  id: string,
  props: { entry: string; memorySize: number; timeout: Duration; stage: Stage; environment?: Record<string, string>; copyFiles?: string[] },
): NodejsFunctionProps {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: props.stage.settings.logRetentionDays as RetentionDays,
    removalPolicy: props.stage.settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  return {
    entry: props.entry,
    handler: 'handler',
    projectRoot: repoRoot,
    depsLockFilePath: `${repoRoot}package-lock.json`,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    logGroup,
    role,
    bundling: props.copyFiles?.length
      ? {
          ...lambdaBundling,
          // Part of the asset, so its hash (and a redeploy of the function) follows the files too.
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (_input: string, output: string) => props.copyFiles!.map((file) => `cp "${file}" "${output}/"`),
          },
        }
      : lambdaBundling,
    environment: {
      // No --enable-source-maps: parsing the map at load cost 12-175 ms of every cold start. The .map
      // files ship next to the bundle, so a logged stack trace can be decoded offline when needed.
      LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: 'cuoc-thi',
      // Per stage, so dev and prod in one account keep apart on the dashboard (functions/adapters/metrics.ts).
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(props.stage),
      ...props.environment,
    },
  };
}

export const metricsNamespace = (stage: Stage) => `CuocThi/${stage.name}`;

export class ApiFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    const timeout = props.timeout ?? DEFAULT_API_TIMEOUT;
    if (timeout.toSeconds() > MAX_API_TIMEOUT.toSeconds()) {
      throw new Error(`ApiFunction ${props.group}: timeout ${timeout.toSeconds()} s is over API Gateway's 30 s; make the work a background job`);
    }
    super(
      scope,
      id,
      functionDefaults(scope, id, {
        entry: handlerEntry(props.group),
        memorySize: props.memorySize ?? 512,
        timeout,
        stage: props.stage,
        environment: props.environment,
        copyFiles: props.copyFiles,
      }),
    );
  }

  /** Sets TABLE_NAME and grants exactly the item actions `mode` needs, on the table and its named indexes. */
  bindTable(table: ITable, mode: TableAccess): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (mode === 'none') return this;
    if (mode === 'rateLimit') {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
        }),
      );
      return this;
    }
    const indexArns = Object.keys(tableDefinition.indexes).map((name) => `${table.tableArn}/index/${name}`);
    this.addToRolePolicy(new PolicyStatement({ actions: READ_ACTIONS, resources: [table.tableArn, ...indexArns] }));
    if (mode === 'readWrite') {
      this.addToRolePolicy(new PolicyStatement({ actions: WRITE_ACTIONS, resources: [table.tableArn] }));
    }
    return this;
  }
}
