// Runs the data layout migrations (functions/migrations/) on deploy, before traffic reaches code that
// expects the new layout: a custom resource backed by our own function (functions/handlers/migrate.ts),
// which answers CloudFormation itself, so no CDK provider framework functions come along. It lives in
// the data stack, which CloudFormation deploys before the API stack: the new functions are updated
// only once the table is in the layout they read. It runs again whenever CURRENT_LAYOUT changes.
// docs/migrations.md has the rule and the limits.
import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct, type IConstruct } from 'constructs';
import { join } from 'node:path';
import { CURRENT_LAYOUT } from '../../functions/migrations/runner.ts';
import { repoRoot } from '../bundling.ts';
import type { Stage } from '../stage.ts';
import { functionDefaults } from './api-function.ts';

/** What a migration does to items: a Scan walk, reads of related items, writes and moves (transactions). */
export const MIGRATION_ACTIONS = [
  'dynamodb:Scan',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

export interface LayoutMigrationProps {
  table: ITable;
  stage: Stage;
  /** Constructs of the same stack that must wait for the migration. */
  before?: IConstruct[];
}

export class LayoutMigration extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: LayoutMigrationProps) {
    super(scope, id);
    this.function = new NodejsFunction(
      this,
      'Fn',
      functionDefaults(this, 'Fn', {
        entry: join(repoRoot, 'functions', 'handlers', 'migrate.ts'),
        memorySize: 1024,
        timeout: Duration.minutes(15),
        stage: props.stage,
        environment: { TABLE_NAME: props.table.tableName },
      }),
    );
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to Node.js 22 like the API functions and the stream consumer: it runs the same migration code local mode runs.',
    });
    this.function.addToRolePolicy(new PolicyStatement({ actions: MIGRATION_ACTIONS, resources: [props.table.tableArn] }));
    const resource = new CustomResource(this, 'Run', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::LayoutMigration',
      properties: { Layout: CURRENT_LAYOUT },
      serviceTimeout: Duration.minutes(16),
    });
    for (const construct of props.before ?? []) construct.node.addDependency(resource);
  }
}
