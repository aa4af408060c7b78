// One CloudWatch dashboard per stage: every alarm's state, the signals behind them, and the
// participant traffic the handlers count (functions/adapters/metrics.ts, embedded metric format).
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  type Alarm,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableDefinition } from '#adapters/dynamodb/table.ts';
import { METRIC, SERVICE_DIMENSION } from '#adapters/metrics.ts';
import { metricsNamespace } from '../constructs/api-function.ts';
import type { Stage } from '../stage.ts';
import type { ApiStack } from './api.ts';
import { throttleEvents } from './data.ts';
import { cloudFrontMetric } from './edge.ts';

export interface DashboardStackProps extends StackProps {
  stage: Stage;
  table: ITable;
  api: ApiStack;
  distributionId: string;
  alarms: Alarm[];
}

const PERIOD = Duration.minutes(1);

export class DashboardStack extends Stack {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: DashboardStackProps) {
    super(scope, id, props);
    const { stage, api } = props;
    const namespace = metricsNamespace(stage);
    const service = { [SERVICE_DIMENSION]: 'cuoc-thi' };
    const business = (metricName: string) => new Metric({ namespace, metricName, dimensionsMap: service, statistic: 'Sum', period: PERIOD });
    const functions = [...Object.entries(api.functions), ['stream', api.streamConsumer] as const];
    const perFunction = (label: string, metric: (fn: (typeof functions)[number][1]) => Metric) =>
      new GraphWidget({ title: label, width: 12, left: functions.map(([group, fn]) => metric(fn).with({ label: group })) });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${stage.resourcePrefix}-operations`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms (CloudFront 5xx: us-east-1)', alarms: props.alarms, width: 24 })],
        [
          new GraphWidget({
            title: 'Participants: starts and submits per minute',
            width: 12,
            left: [business(METRIC.attemptStarted).with({ label: 'starts' }), business(METRIC.attemptSubmitted).with({ label: 'submits' })],
          }),
          new GraphWidget({
            title: 'Refusals by code per minute (4xx)',
            width: 12,
            left: [
              new MathExpression({
                expression: `SEARCH('{${namespace},code,${SERVICE_DIMENSION}} MetricName="${METRIC.refused}"', 'Sum', 60)`,
                label: '',
                period: PERIOD,
              }),
            ],
          }),
        ],
        [
          new GraphWidget({
            title: 'HTTP API: requests and 5xx',
            width: 8,
            left: [api.httpApi.metricCount({ statistic: 'Sum', period: PERIOD })],
            right: [api.httpApi.metricServerError({ statistic: 'Sum', period: PERIOD }), api.httpApi.metricClientError({ statistic: 'Sum', period: PERIOD })],
          }),
          new GraphWidget({
            title: 'HTTP API latency (p50, p99)',
            width: 8,
            left: [api.httpApi.metricLatency({ statistic: 'p50', period: PERIOD }), api.httpApi.metricLatency({ statistic: 'p99', period: PERIOD })],
          }),
          new GraphWidget({
            title: 'CloudFront: 5xx % and requests (us-east-1)',
            width: 8,
            left: [cloudFrontMetric('5xxErrorRate', props.distributionId, 'us-east-1')],
            right: [cloudFrontMetric('Requests', props.distributionId, 'us-east-1')],
          }),
        ],
        [
          perFunction('Lambda errors', (fn) => fn.metricErrors({ statistic: 'Sum', period: PERIOD })),
          perFunction('Lambda throttles', (fn) => fn.metricThrottles({ statistic: 'Sum', period: PERIOD })),
        ],
        [
          perFunction('Lambda duration p99', (fn) => fn.metricDuration({ statistic: 'p99', period: PERIOD })),
          perFunction('Lambda concurrent executions', (fn) => fn.metric('ConcurrentExecutions', { statistic: 'Maximum', period: PERIOD })),
        ],
        [
          new GraphWidget({
            title: 'DynamoDB throttle events (table and indexes)',
            width: 8,
            left: [undefined, ...Object.keys(tableDefinition.indexes)].map((index) => throttleEvents(props.table.tableName, index)),
          }),
          new GraphWidget({
            title: 'Stream consumer: iterator age (ms) and errors',
            width: 8,
            left: [api.streamConsumer.metric('IteratorAge', { statistic: 'Maximum', period: PERIOD })],
            right: [api.streamConsumer.metricErrors({ statistic: 'Sum', period: PERIOD })],
          }),
          new GraphWidget({
            title: 'Dead-letter queues: messages waiting',
            width: 8,
            left: [
              api.streamConsumer.onFailure.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: PERIOD, label: 'stream consumer' }),
              api.retentionDlq.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: PERIOD, label: 'retention' }),
            ],
          }),
        ],
      ],
    });
  }
}
