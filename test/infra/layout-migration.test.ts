// Issue 17: on AWS the data layout migration runs once per deploy that raises the layout, in the data
// stack (deployed before the API stack), through our own function, with item access to the table only.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { defineApp } from '../../infra/app.ts';
import { fakeWebDist } from '../helpers/web-dist.ts';
import { cdkContext } from './context.ts';
import { MIGRATION_ACTIONS } from '../../infra/constructs/layout-migration.ts';
import { CURRENT_LAYOUT } from '../../functions/migrations/runner.ts';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...cdkContext } });
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));
const webDist = fakeWebDist();
afterAll(() => rmSync(webDist, { recursive: true, force: true }));
const stacks = defineApp(app, { webDist });
const data = Template.fromStack(stacks.data);

describe('layout migration on deploy', () => {
  it('is a custom resource of the data stack, re-run when the layout version changes', () => {
    data.resourceCountIs('Custom::LayoutMigration', 1);
    data.hasResourceProperties('Custom::LayoutMigration', { Layout: CURRENT_LAYOUT, ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('LayoutMigrationFn'), 'Arn'] } });
    // The API stack (the functions that read the new layout) deploys after the data stack.
    expect(stacks.api.dependencies).toContain(stacks.data);
  });

  it('runs on Node 22 with 15 minutes, the table name, its own role and log group', () => {
    data.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Timeout: 900,
      Environment: { Variables: Match.objectLike({ TABLE_NAME: { Ref: Match.stringLikeRegexp('Table') } }) },
      LoggingConfig: Match.objectLike({ LogGroup: Match.anyValue() }),
    });
  });

  it('may walk and rewrite the table items, and nothing else', () => {
    const policies = Object.values(data.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes('LayoutMigration'));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect([dynamo[0]!.Action].flat().sort()).toEqual([...MIGRATION_ACTIONS].sort());
    expect(dynamo[0]!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] });
  });
});
