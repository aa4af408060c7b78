// The whole app, shared by bin/app.ts (cdk synth/deploy) and the infra tests: one stage's stacks,
// each named with the stage (infra/stage.ts).
import { Validations, type App, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AlertsStack } from './stacks/alerts.ts';
import { ApiStack } from './stacks/api.ts';
import { DashboardStack } from './stacks/dashboard.ts';
import { DataStack } from './stacks/data.ts';
import { EdgeAlarmsStack } from './stacks/edge.ts';
import { WebStack } from './stacks/web.ts';
import { resolveStage } from './stage.ts';

export interface AppOptions {
  env?: Environment;
  /** Built web app to upload (tests point this at a fixture). @default web/dist */
  webDist?: string;
  /** @default context `stage`, else dev */
  stage?: string;
  /** Tests put several stages in one app; the plugin must be added once. @default true */
  nag?: boolean;
}

export function defineApp(app: App, { env = defaultEnv(), webDist, stage: stageName, nag = true }: AppOptions = {}) {
  const stage = resolveStage(app, stageName);
  const p = stage.stackPrefix;
  const alerts = new AlertsStack(app, `${p}-Alerts`, { env, stage, description: `Contest platform (${stage.name}): the alarm topic` });
  const data = new DataStack(app, `${p}-Data`, { env, stage, alarmTopic: alerts.topic, description: `Contest platform (${stage.name}): the DynamoDB table` });
  const api = new ApiStack(app, `${p}-Api`, {
    env,
    stage,
    table: data.table,
    alarmTopic: alerts.topic,
    description: `Contest platform (${stage.name}): Cognito, Lambda, HTTP API`,
  });
  const web = new WebStack(app, `${p}-Web`, {
    env,
    stage,
    apiDomain: api.apiDomain,
    table: data.table,
    originVerifySecret: api.originVerifySecret.secretValue.unsafeUnwrap(),
    ...(webDist ? { webDist } : {}),
    // The CloudFront alarm lives in us-east-1 (edge.ts) and reads the distribution id from here.
    crossRegionReferences: true,
    description: `Contest platform (${stage.name}): S3 + CloudFront`,
  });
  const edge = new EdgeAlarmsStack(app, `${p}-EdgeAlarms`, {
    env: { account: env.account, region: 'us-east-1' },
    stage,
    distribution: web.distribution,
    crossRegionReferences: true,
    description: `Contest platform (${stage.name}): the CloudFront alarm (CloudFront publishes its metrics in us-east-1 only)`,
  });
  const dashboard = new DashboardStack(app, `${p}-Dashboard`, {
    env,
    stage,
    table: data.table,
    api,
    distributionId: web.distribution.distributionId,
    alarms: [...data.alarms, ...api.alarms],
    description: `Contest platform (${stage.name}): the operations dashboard`,
  });
  // cdk-nag 3 is a validation plugin (Aspects crash in 3.x): any unacknowledged finding fails synth.
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stage, alerts, data, api, web, edge, dashboard };
}

// The region is pinned rather than taken from CDK_DEFAULT_REGION: the CLI fills that with the
// profile's region or us-east-1, and the retained table must not land wherever a laptop points.
export function defaultEnv(): Environment {
  return { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEPLOY_REGION ?? 'ap-southeast-1' };
}
