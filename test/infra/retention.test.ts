// Issue 7, retention: the privacy function (audit, export, erasure routes) also gets EventBridge's
// daily scheduled event, which runs the retention purge; it has the time and table access for it.
import { rmSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#adapters/http/routes.ts';
import { defineApp } from '../../infra/app.ts';
import { fakeWebDist } from '../helpers/web-dist.ts';
import { cdkContext } from './context.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
let resources: Resources;
let app: App;
let webDist: string;

beforeAll(() => {
  app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...cdkContext } });
  webDist = fakeWebDist();
  const stacks = defineApp(app, { webDist, nag: false });
  resources = Template.fromStack(stacks.api).toJSON().Resources;
});
afterAll(() => {
  rmSync(app.outdir, { recursive: true, force: true });
  rmSync(webDist, { recursive: true, force: true });
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const privacyFunction = () => ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('Fnprivacy'))!;

describe('retention schedule', () => {
  it("the privacy function serves the audit, export and erasure routes, with API Gateway's 29 s for a purge (resumable)", () => {
    expect(routes.filter((r) => r.group === 'privacy').map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'DELETE /api/admin/people/{phone}',
      'GET /api/admin/audit',
      'GET /api/admin/people/{phone}',
    ]);
    for (const r of routes.filter((x) => x.group === 'privacy')) expect('roles' in r && r.roles).toEqual(['admin']);
    const [, fn] = privacyFunction();
    expect(fn.Properties.Timeout).toBe(29);
    expect(fn.Properties.Environment.Variables.TABLE_NAME).toBeDefined();
  });

  it('a daily EventBridge rule targets it with the default scheduled event', () => {
    const [fnId] = privacyFunction();
    // The other rule is the round finalisation schedule (docs/rounds.md, operations.test.ts).
    const rules = ofType('AWS::Events::Rule').filter(([id]) => id.startsWith('RetentionSchedule'));
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Properties.ScheduleExpression).toBe('cron(30 19 * * ? *)');
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 } }),
    ]);
    // No custom Input: the function receives EventBridge's own "Scheduled Event" (detail-type, time).
    expect(rule.Properties.Targets[0].Input).toBeUndefined();
    const permissions = ofType('AWS::Lambda::Permission').filter(
      ([, p]) => p.Properties.Principal === 'events.amazonaws.com' && JSON.stringify(p.Properties.SourceArn).includes('RetentionSchedule'),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]![1].Properties.FunctionName).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
  });
});
