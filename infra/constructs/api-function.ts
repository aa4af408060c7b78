// Our NodejsFunction defaults, plus explicit, per-function DynamoDB access.
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionGroup } from '#adapters/http/routes.ts';
import { tableDefinition } from '#adapters/dynamodb/table.ts';
import { handlerEntry, lambdaBundling, repoRoot } from '../bundling.ts';

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

export interface ApiFunctionProps {
  group: FunctionGroup;
  /** @default 10 seconds */
  timeout?: Duration;
  /** @default 512 MB */
  memorySize?: number;
  environment?: Record<string, string>;
}

/**
 * What every function of the stack shares: its own log group (instead of the deprecated logRetention
 * custom resource) and its own role (instead of AWSLambdaBasicExecutionRole: it may write to its log
 * group, and gets the rest by explicit grants), arm64, Node 22, the shared bundling.
 */
export function functionDefaults(
  scope: Construct,
  id: string,
  props: { entry: string; memorySize: number; timeout: Duration; environment?: Record<string, string> },
): NodejsFunctionProps {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.THREE_MONTHS });
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
    bundling: lambdaBundling,
    environment: {
      // No --enable-source-maps: parsing the map at load cost 12-175 ms of every cold start. The .map
      // files ship next to the bundle, so a logged stack trace can be decoded offline when needed.
      LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: 'cuoc-thi',
      ...props.environment,
    },
  };
}

export class ApiFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(
      scope,
      id,
      functionDefaults(scope, id, {
        entry: handlerEntry(props.group),
        memorySize: props.memorySize ?? 512,
        timeout: props.timeout ?? Duration.seconds(10),
        environment: props.environment,
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
