// Alarm helpers: every alarm of the app is made here, named with the stage and wired to the topic,
// so none can be created that notifies nobody.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Stage } from '../stage.ts';

export const ALARM_PERIOD = Duration.minutes(5);

export interface NotifyingAlarmProps {
  stage: Stage;
  topic: ITopic;
  /** Short name after the stage prefix, e.g. `api-5xx`. */
  name: string;
  description: string;
  metric: IMetric;
  threshold: number;
  /** @default GREATER_THAN_OR_EQUAL_TO_THRESHOLD */
  comparison?: ComparisonOperator;
  /** @default 1 */
  evaluationPeriods?: number;
  /** The runbook entry in docs/operations.md. @default name */
  runbook?: string;
}

/** An alarm that notifies the stage's topic when it fires and when it recovers. */
export function notifyingAlarm(scope: Construct, id: string, props: NotifyingAlarmProps): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmName: `${props.stage.resourcePrefix}-${props.name}`,
    alarmDescription: `${props.description} Runbook: docs/operations.md, "${props.runbook ?? props.name}".`,
    metric: props.metric,
    threshold: props.threshold,
    comparisonOperator: props.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    // No traffic is not a failure (a stage between contests is silent).
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  const action = new SnsAction(props.topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
  return alarm;
}

/** A dead-letter queue holding any message is a failure someone must look at. */
export function queueNotEmptyAlarm(scope: Construct, id: string, props: { stage: Stage; topic: ITopic; queue: IQueue; name: string; description: string; runbook?: string }): Alarm {
  return notifyingAlarm(scope, id, {
    ...props,
    metric: props.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: ALARM_PERIOD }),
    threshold: 1,
  });
}
