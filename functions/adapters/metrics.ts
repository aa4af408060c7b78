// Business metrics in CloudWatch's embedded metric format (Powertools Metrics): one JSON line in the
// function's log per invocation that counted something, turned into metrics by CloudWatch Logs, no
// API call. The names are shared with the dashboard (infra/constructs/monitoring.ts).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';

/** Metric names; the namespace is per stage (POWERTOOLS_METRICS_NAMESPACE, set by the stack). */
export const METRIC = {
  attemptStarted: 'AttemptStarted',
  attemptSubmitted: 'AttemptSubmitted',
  /** Every 4xx the API answers, with a `code` dimension (the contract's error code). */
  refused: 'Refused',
} as const;
/** The dimension every metric carries (Powertools' default dimension). */
export const SERVICE_DIMENSION = 'service';

// Only on AWS: local mode and tests have no namespace and print no EMF lines into the console.
const enabled = Boolean(process.env.POWERTOOLS_METRICS_NAMESPACE);

export const metrics = new Metrics({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cuoc-thi' });

export const count = (name: string) => metrics.addMetric(name, MetricUnit.Count, 1);

/** A refusal by code: its own EMF line, so the `code` dimension does not spill onto other metrics. */
export function countRefusal(code: string): void {
  if (!enabled) return;
  const single = metrics.singleMetric();
  single.addDimension('code', code);
  single.addMetric(METRIC.refused, MetricUnit.Count, 1);
}

/**
 * Flushes what the invocation counted. Unlike Powertools' own logMetrics middleware it stays silent
 * when nothing was counted (most requests), where logMetrics warns on every invocation.
 */
export const flushMetrics = (): middy.MiddlewareObj => {
  const flush = async () => {
    if (!metrics.hasStoredMetrics()) return;
    if (enabled) metrics.publishStoredMetrics();
    else metrics.clearMetrics();
  };
  return { after: flush, onError: flush };
};
