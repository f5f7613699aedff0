/**
 * What an environment costs per month before any workload runs: every resource billed by the
 * hour or the month whatever its use, read by resource type from the synthesized templates.
 * `npx projen reference` prints it per environment, `npx projen bench` per environment and for
 * the pipeline. A new resource type with a fixed price needs one row in PRICE_TABLE; a type that
 * is in no list here (priced, billed by use, billed by size, free) is reported as unclassified, so
 * that nobody forgets to price it.
 *
 * Region eu-west-1 (the reference app's), USD, on-demand list prices as published on the AWS
 * pricing pages for Amazon VPC (NAT gateways, public IPv4 addresses, endpoints), AWS KMS, AWS
 * Secrets Manager, Amazon CloudWatch, AWS CodePipeline and Amazon Route 53, read 2026-11. Free
 * tiers are left out. They are not fetched at run time: check the pricing pages before relying
 * on them.
 */
export const LIST_PRICES = {
  region: 'eu-west-1',
  read: '2026-11',
  /** Hours in an average month, as AWS bills them. */
  hoursPerMonth: 730,
};

/** One resource type with a fixed recurring price. */
export interface PriceRow {
  /** The CloudFormation resource type. */
  readonly type: string;
  /** What is billed, for people: 'NAT gateway'. */
  readonly item: string;
  readonly usd: number;
  readonly per: 'hour' | 'month';
  /** Billed units of one resource of the type, from its properties. @default - one */
  readonly units?: (properties: any) => number;
}

export const PRICE_TABLE: PriceRow[] = [
  { type: 'AWS::EC2::NatGateway', item: 'NAT gateway', usd: 0.048, per: 'hour' },
  // Each NAT gateway's Elastic IP.
  { type: 'AWS::EC2::EIP', item: 'public IPv4 address', usd: 0.005, per: 'hour' },
  {
    type: 'AWS::EC2::VPCEndpoint',
    item: 'interface endpoint AZ',
    usd: 0.011,
    per: 'hour',
    // Gateway endpoints (S3, DynamoDB) are free; an interface endpoint is billed per AZ (subnet).
    units: p => (p?.VpcEndpointType === 'Interface' ? p?.SubnetIds?.length ?? 0 : 0),
  },
  // Each of the first two yearly rotations adds as much again.
  { type: 'AWS::KMS::Key', item: 'KMS key', usd: 1.0, per: 'month' },
  { type: 'AWS::SecretsManager::Secret', item: 'secret', usd: 0.4, per: 'month' },
  // A standard-resolution metric alarm; composite alarms cost more ($0.50).
  { type: 'AWS::CloudWatch::Alarm', item: 'alarm', usd: 0.1, per: 'month' },
  { type: 'AWS::CloudWatch::CompositeAlarm', item: 'composite alarm', usd: 0.5, per: 'month' },
  { type: 'AWS::CloudWatch::Dashboard', item: 'dashboard', usd: 3.0, per: 'month' },
  {
    type: 'AWS::CodePipeline::Pipeline',
    item: 'V1 pipeline',
    usd: 1.0,
    per: 'month',
    // A V2 pipeline has no monthly fee: it is billed per action-execution minute (usage).
    units: p => (p?.PipelineType === 'V2' ? 0 : 1),
  },
  { type: 'AWS::Route53::HostedZone', item: 'hosted zone', usd: 0.5, per: 'month' },
];

/** Types with no fixed price that are billed by use (traffic, storage, requests, run time), and by what. */
export const USAGE_BILLED: Record<string, string> = {
  'AWS::CodeBuild::Project': 'build minutes',
  'AWS::CodePipeline::Pipeline': 'action-execution minutes (V2)',
  'AWS::EC2::FlowLog': 'log data ingested',
  'AWS::Lambda::Function': 'requests and run time',
  'AWS::Logs::LogGroup': 'data ingested and stored',
  'AWS::Logs::MetricFilter': 'the custom metric it publishes',
  'AWS::S3::Bucket': 'storage and requests',
  'AWS::SNS::Topic': 'messages',
  'AWS::Scheduler::Schedule': 'invocations',
  'AWS::Events::Rule': 'custom and cross-account events',
  'AWS::CloudTrail::Trail': 'events beyond the first copy of management events',
  'AWS::Config::ConfigurationRecorder': 'configuration items recorded',
  'AWS::Config::ConfigRule': 'rule evaluations',
  'AWS::GuardDuty::Detector': 'events and data analysed',
  // Inspector itself bills per instance, image and function scanned; its CIS scans per instance scanned.
  'AWS::InspectorV2::CisScanConfiguration': 'instances scanned',
  'AWS::SecurityHub::Hub': 'security checks and findings',
  'AWS::SecurityHub::Standard': 'the security checks of the standard',
  'AWS::Backup::RestoreTestingPlan': 'restore jobs and the restored resources while they run',
  'AWS::Backup::BackupPlan': 'backup storage, copies and restores',
  'AWS::Backup::BackupVault': 'backup storage',
};

/**
 * The prices by use of what the delivery record and metrics run (bench/delivery-cost.ts), eu-west-1,
 * USD, free tiers left out. Where the pricing pages were read through others' copies, the copy is named.
 */
export const USAGE_PRICES = {
  /**
   * CloudWatch Logs, standard class, per GB ingested: "$0.57 per GB custom log data ingested" in EU
   * (Ireland), AWS Price List SKU KJBTQPDHW2H92B8Y, effective 2026-03-01 (https://aws.amazon.com/cloudwatch/pricing/;
   * us-east-1 is $0.50).
   */
  logIngestionPerGb: 0.57,
  /** CloudWatch Logs storage, per GB-month (https://aws.amazon.com/cloudwatch/pricing/). */
  logStoragePerGbMonth: 0.03,
  /** A custom metric, per month, for the first 10,000 metrics ("$0.30 per metric-month for the first 10,000 metrics"). */
  customMetricPerMonth: 0.3,
  /** CloudWatch API requests (PutMetricData), per 1,000. */
  metricRequestsPer1000: 0.01,
  /** Lambda (x86), per GB-second of run time and per million requests (https://aws.amazon.com/lambda/pricing/). */
  lambdaPerGbSecond: 0.0000166667,
  lambdaPerMillionRequests: 0.2,
  /**
   * EventBridge: the state changes AWS services send to the default event bus are not billed
   * (CloudWatch's pricing page: "All events except custom events are included"); EventBridge
   * Scheduler's first 14 million invocations a month are free ("$0 for the first 14 million scheduled
   * invocations", AWS Price List).
   */
  serviceEventsPerMillion: 0,
  scheduledInvocationsPerMillion: 0,
};

/**
 * Types billed by the hour at a price their size sets (instance type, database class, task size):
 * the workload chooses it, so they are not priced here.
 */
export const SIZE_BILLED: Record<string, string> = {
  'AWS::EC2::Instance': 'instance type',
  'AWS::AutoScaling::AutoScalingGroup': 'its instances\' type and number',
  'AWS::RDS::DBInstance': 'instance class and storage',
  'AWS::RDS::DBCluster': 'its instances\' class and storage',
  'AWS::ECS::Service': 'its Fargate tasks\' vCPU and memory',
};

/** Types that cost nothing by themselves. */
export const NO_CHARGE = new Set([
  'AWS::CDK::Metadata', 'AWS::Budgets::Budget', 'AWS::CodeStarNotifications::NotificationRule',
  'AWS::EC2::InternetGateway', 'AWS::EC2::Route', 'AWS::EC2::RouteTable', 'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::Subnet',
  'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::VPC', 'AWS::EC2::VPCGatewayAttachment',
  'AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::KMS::Alias', 'AWS::Lambda::Permission', 'AWS::Lambda::EventInvokeConfig',
  'AWS::S3::BucketPolicy', 'AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy', 'AWS::SSM::Parameter', 'AWS::Logs::ResourcePolicy',
  'AWS::Config::DeliveryChannel', 'AWS::S3::AccountPublicAccessBlock',
  'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy', 'AWS::AutoScaling::ScalingPolicy',
  'AWS::EC2::LaunchTemplate', 'AWS::ECS::Cluster', 'AWS::ECS::TaskDefinition', 'AWS::IAM::InstanceProfile',
  'AWS::RDS::DBSubnetGroup', 'AWS::SecretsManager::SecretTargetAttachment',
  // The external-access analyzer is free; the selection only names what a plan backs up; the three
  // custom resources set account settings once (their function is billed by use, above; Inspector's
  // scans are billed by use once it is on).
  'AWS::AccessAnalyzer::Analyzer', 'AWS::Backup::BackupSelection', 'AWS::Backup::RestoreTestingSelection', 'Custom::EbsEncryptionByDefault', 'Custom::S3PublicAccessBlock',
  'Custom::InspectorScanning',
]);

/** One priced resource type of some templates. */
export interface CostLine {
  readonly type: string;
  readonly item: string;
  readonly units: number;
  readonly monthly: number;
}

/** What some templates cost per month whatever their traffic, and what was left out. */
export interface FixedCost {
  /** Per priced type present, in PRICE_TABLE's order; a type whose resources bill no unit (a V2 pipeline) is left out. */
  readonly lines: CostLine[];
  readonly monthly: number;
  /** Types present that are billed by use only. */
  readonly usageBilled: string[];
  /** Types present that are billed by the hour at a size the workload chooses. */
  readonly sizeBilled: string[];
  /** Types present that are in none of the lists: they may have a fixed price nobody has added. */
  readonly unclassified: string[];
}

type Template = { Resources?: Record<string, { Type: string; Properties?: any }> };

/** Prices the resources of some templates (an environment's stacks) that cost by the hour or the month. */
export function fixedMonthlyCost(templates: Template[]): FixedCost {
  const resources = templates.flatMap(t => Object.values(t.Resources ?? {}));
  const lines: CostLine[] = [];
  for (const row of PRICE_TABLE) {
    const units = resources.filter(r => r.Type === row.type).reduce((sum, r) => sum + (row.units?.(r.Properties) ?? 1), 0);
    if (units === 0) continue;
    const monthly = units * row.usd * (row.per === 'hour' ? LIST_PRICES.hoursPerMonth : 1);
    lines.push({ type: row.type, item: row.item, units, monthly });
  }
  const types = [...new Set(resources.map(r => r.Type))].sort();
  const priced = new Set(PRICE_TABLE.map(r => r.type));
  return {
    lines,
    monthly: lines.reduce((sum, l) => sum + l.monthly, 0),
    usageBilled: types.filter(t => t in USAGE_BILLED),
    sizeBilled: types.filter(t => t in SIZE_BILLED),
    unclassified: types.filter(t => !priced.has(t) && !(t in USAGE_BILLED) && !(t in SIZE_BILLED) && !NO_CHARGE.has(t)),
  };
}

/** Billed units of one priced type in a cost (0 when absent). */
export function unitsOf(cost: FixedCost, type: string): number {
  return cost.lines.find(l => l.type === type)?.units ?? 0;
}
