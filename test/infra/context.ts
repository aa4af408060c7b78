// What a deployer's `cdk synth` sees: cdk.json's context (the stages) plus the two addresses every
// stage needs, given here as they would be with -c.
import { readFileSync } from 'node:fs';

export const cdkContext: Record<string, unknown> = {
  ...(JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>),
  adminEmail: 'admin@example.org',
  alarmEmail: 'ops@example.org',
};

/** The settings of one stage as cdk.json has them. */
export const stageSettings = (stage: string) => (cdkContext.stages as Record<string, any>)[stage];
