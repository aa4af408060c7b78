// Where failures reach a person: one SNS topic per stage with an email subscription. Every alarm of
// the stage's stacks in this region notifies it (CloudFront's alarm lives in us-east-1: edge.ts).
import { Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { Stage } from '../stage.ts';

export interface AlertsStackProps extends StackProps {
  stage: Stage;
}

/** The alarm topic with its email subscription, also used by the us-east-1 stack. */
export function alarmTopic(scope: Construct, id: string, stage: Stage, name: string): Topic {
  const topic = new Topic(scope, id, {
    topicName: name,
    displayName: `Cuoc thi ${stage.name} alarms`,
    enforceSSL: true,
  });
  topic.addSubscription(new EmailSubscription(stage.settings.alarmEmail));
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'Alarm notifications carry alarm names and thresholds, no personal data. CloudWatch can only publish to an encrypted topic through a customer managed key whose policy admits it (US$1/month per stage); revisit if notifications ever carry data.',
  });
  return topic;
}

export class AlertsStack extends Stack {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlertsStackProps) {
    super(scope, id, props);
    this.topic = alarmTopic(this, 'AlarmTopic', props.stage, `${props.stage.resourcePrefix}-alarms`);
  }
}
