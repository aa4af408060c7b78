// The whole app, shared by bin/app.ts (cdk synth/deploy) and the infra tests.
import { Validations, type App, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './stacks/api.ts';
import { DataStack } from './stacks/data.ts';
import { WebStack } from './stacks/web.ts';

export interface AppOptions {
  env?: Environment;
  /** Built web app to upload (tests point this at a fixture). @default web/dist */
  webDist?: string;
}

export function defineApp(app: App, { env = defaultEnv(), webDist }: AppOptions = {}) {
  const data = new DataStack(app, 'CuocThi-Data', { env, description: 'Contest platform: the DynamoDB table' });
  const api = new ApiStack(app, 'CuocThi-Api', { env, table: data.table, description: 'Contest platform: Cognito, Lambda, HTTP API' });
  const web = new WebStack(app, 'CuocThi-Web', {
    env,
    apiDomain: api.apiDomain,
    originVerifySecret: api.originVerifySecret.secretValue.unsafeUnwrap(),
    ...(webDist ? { webDist } : {}),
    description: 'Contest platform: S3 + CloudFront',
  });
  // cdk-nag 3 is a validation plugin (Aspects crash in 3.x): any unacknowledged finding fails synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, api, web };
}

// The region is pinned rather than taken from CDK_DEFAULT_REGION: the CLI fills that with the
// profile's region or us-east-1, and the retained table must not land wherever a laptop points.
export function defaultEnv(): Environment {
  return { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEPLOY_REGION ?? 'ap-southeast-1' };
}
