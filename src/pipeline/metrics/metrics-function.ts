// The delivery-metrics function's entry point, bundled into assets/pipeline/metrics/metrics-function/
// (.projenrc.ts): the handler binds metrics-handler.ts's `LogReader` and `MetricWriter` to the AWS
// SDK for JavaScript v3, which the bundle leaves out: the Lambda Node.js runtimes from nodejs18.x on
// include it (https://aws.amazon.com/blogs/developer/why-and-how-you-should-use-aws-sdk-for-javascript-v3-on-node-js-18/).
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { publishDeliveryMetrics } from './metrics-handler';

const logs = new CloudWatchLogsClient({});
const cloudWatch = new CloudWatchClient({});

export async function handler(): Promise<void> {
  await publishDeliveryMetrics(process.env, {
    filterLogEvents: input => logs.send(new FilterLogEventsCommand({
      logGroupName: input.logGroupName, startTime: input.startTime, endTime: input.endTime, nextToken: input.nextToken,
    })),
  }, {
    putMetricData: input => cloudWatch.send(new PutMetricDataCommand({ Namespace: input.Namespace, MetricData: input.MetricData })),
  }, new Date());
}
