// CloudFront publishes its metrics in us-east-1 only, and an alarm can only watch metrics and notify
// a topic of its own region: so the CloudFront 5xx alarm, and a topic with the same email
// subscription, live in this small us-east-1 stack (the only resources of the app outside the
// main region). Its distribution id comes from the web stack through CDK's cross-region references.
import { Stack, type StackProps } from 'aws-cdk-lib';
import { MathExpression, Metric, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { ALARM_PERIOD, notifyingAlarm } from '../constructs/alarms.ts';
import type { Stage } from '../stage.ts';
import { alarmTopic } from './alerts.ts';

export interface EdgeAlarmsStackProps extends StackProps {
  stage: Stage;
  distribution: IDistribution;
}

/** A CloudFront metric as CloudFront publishes it (Region=Global, in us-east-1; `region` for a dashboard elsewhere). */
export function cloudFrontMetric(metricName: '5xxErrorRate' | 'Requests', distributionId: string, region?: string) {
  return new Metric({
    namespace: 'AWS/CloudFront',
    metricName,
    dimensionsMap: { DistributionId: distributionId, Region: 'Global' },
    statistic: metricName === 'Requests' ? 'Sum' : 'Average',
    period: ALARM_PERIOD,
    ...(region ? { region } : {}),
  });
}

export class EdgeAlarmsStack extends Stack {
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: EdgeAlarmsStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const topic = alarmTopic(this, 'AlarmTopic', stage, `${stage.resourcePrefix}-edge-alarms`);
    this.alarm = notifyingAlarm(this, 'CloudFront5xxAlarm', {
      stage,
      topic,
      name: 'cloudfront-5xx',
      description: `CloudFront answered 5xx to ${stage.settings.alarms.cloudFront5xxPercent}%+ of requests over 5 minutes (the site or the API is failing at the edge).`,
      metric: new MathExpression({
        // A rate is only meaningful with traffic: no requests, no data (not breaching).
        expression: 'IF(requests > 0, rate)',
        usingMetrics: {
          rate: cloudFrontMetric('5xxErrorRate', props.distribution.distributionId),
          requests: cloudFrontMetric('Requests', props.distribution.distributionId),
        },
        label: 'CloudFront 5xx %',
        period: ALARM_PERIOD,
      }),
      threshold: stage.settings.alarms.cloudFront5xxPercent,
    });
  }
}
