import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct, IConstruct } from 'constructs';
import {
  AddEnvironmentOptions, EnvironmentTier, GuardSuppressions, IsolatedEnvironment, MultiEnvPipeline, PipelineSource, TestKind, TierCapacity,
} from '../src';

/**
 * The reference app: how a team uses cdk-multi-env. The Python and Java consumer apps in
 * test/bindings/ build exactly this app, and their templates must be identical to its own.
 */

/** One environment of the reference setup: a tier in its own account, with its own VPC range. */
export interface ReferenceEnvironment {
  readonly id: string;
  readonly tier: EnvironmentTier;
  readonly account: string;
  readonly cidr: string;
  /** The monthly cost budget of the environment's account, in US dollars. */
  readonly monthlyBudgetUsd: number;
  /** @default REGION */
  readonly region?: string;
  /** Needed when two environments share a tier (the bench's scaled apps). @default - the tier's name */
  readonly environmentName?: string;
}

export const APP_NAME = 'shop';
export const REGION = 'eu-west-1';
/** The account the pipeline runs in (placeholder id). */
export const TOOLING_ACCOUNT = '999999999999';
/** The sandbox account the feature branches' copies of Dev deploy into (placeholder id). */
export const FEATURE_ACCOUNT = '777777777777';
/** Given, so that the app synthesizes without AWS credentials (no availability-zone lookup). */
export const AVAILABILITY_ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/**
 * Seven environments: one per tier, each in its own account (placeholder account ids), VPC range
 * and monthly budget, and a second production environment in us-east-1 (production's account),
 * which the pipeline deploys after the first, as a production wave.
 */
export const REFERENCE_ENVIRONMENTS: ReferenceEnvironment[] = [
  { id: 'Dev', tier: EnvironmentTier.DEV, account: '111111111111', cidr: '10.10.0.0/16', monthlyBudgetUsd: 100 },
  { id: 'QA', tier: EnvironmentTier.QA, account: '222222222222', cidr: '10.20.0.0/16', monthlyBudgetUsd: 200 },
  { id: 'Staging', tier: EnvironmentTier.STAGING, account: '333333333333', cidr: '10.30.0.0/16', monthlyBudgetUsd: 400 },
  { id: 'Prod', tier: EnvironmentTier.PROD, account: '444444444444', cidr: '10.40.0.0/16', monthlyBudgetUsd: 1500 },
  { id: 'Prod-us-east-1', tier: EnvironmentTier.PROD, account: '444444444444', cidr: '10.41.0.0/16', monthlyBudgetUsd: 1500, region: 'us-east-1', environmentName: 'prod-us-east-1' },
  { id: 'Demo', tier: EnvironmentTier.DEMO, account: '555555555555', cidr: '10.50.0.0/16', monthlyBudgetUsd: 100 },
  { id: 'Hotfix', tier: EnvironmentTier.HOTFIX, account: '666666666666', cidr: '10.60.0.0/16', monthlyBudgetUsd: 100 },
];

/** The team's workload, written once and right-sized by each environment's profile. */
class WorkloadStack extends cdk.Stack {
  constructor(scope: IsolatedEnvironment, id: string) {
    super(scope, id, { description: `${APP_NAME} ${scope.environmentName}: the application` });
    // What cdk-nag finds in the application's own resources and the team accepts, each with its reason
    // (the library acknowledges the findings its own resources cause).
    acknowledge(this, 'Each role of the application has its own policy, made by aws-cdk-lib\'s grants and deleted with it; no policy is shared between roles',
      'NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy');
    const logGroups: logs.LogGroup[] = [];
    const logGroup = new logs.LogGroup(this, 'ApplicationLogs', {
      logGroupName: `/${APP_NAME}/${scope.environmentName}/application`,
      retention: scope.profile.logRetention,
      encryptionKey: scope.key,
    });
    logGroups.push(logGroup);
    // The alarm production's bake period watches after each deploy: named after the tier, so that a
    // production wave watches the alarm of the same name in each of its regions.
    const errors = logGroup.addMetricFilter('Errors', {
      filterPattern: logs.FilterPattern.literal('ERROR'),
      metricNamespace: APP_NAME,
      metricName: `${scope.environmentName}-errors`,
    }).metric({ statistic: 'Sum', period: cdk.Duration.minutes(1) });
    const errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmName: `${APP_NAME}-${scope.tier.name}-errors`,
      metric: errors,
      threshold: 5,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // On the environment's dashboard, acting as the tier says (Prod pages, Dev records).
    scope.monitoring.addAlarm(errorsAlarm);
    // Two functions: two file assets, which each environment's deploy build publishes.
    for (const [name, directory] of [['Api', 'api'], ['Worker', 'worker']]) {
      const functionLogs = new logs.LogGroup(this, `${name}Logs`, {
        retention: scope.profile.logRetention,
        encryptionKey: scope.key,
      });
      // A role of its own that may write to its own log group only (not AWSLambdaBasicExecutionRole's every log group).
      const role = new iam.Role(this, `${name}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      functionLogs.grantWrite(role);
      const fn = new lambda.Function(this, `${name}Function`, {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(path.join(__dirname, 'functions', directory)),
        role,
        logGroup: functionLogs,
      });
      const outsideVpc = 'The function calls AWS APIs only (SSM and Secrets Manager, through its role) and reaches no resource in the VPC; '
        + 'in a VPC it would need a NAT gateway or interface endpoints, which Dev has not';
      acknowledge(fn, outsideVpc, 'NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC');
      suppressGuard(fn, outsideVpc, 'lambda_inside_vpc_check');
      // aws-cdk-lib's Function depends on its role and the role's policy: the role entry repeats what the GetAtt of its ARN orders.
      (fn.node.defaultChild as cdk.CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
      logGroups.push(functionLogs);
      acknowledge(fn, 'Its load is bounded by the callers\' own limits; reserving concurrency would take from the account\'s unreserved pool',
        'NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency');
      acknowledge(fn, 'It is invoked synchronously: the caller sees and retries a failure, so there is nothing for a dead-letter queue to keep',
        'NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ');
      scope.config.grantRead(fn);
      scope.monitoring.monitorLambda(fn);
    }
    scope.config.addParameter('log-level', scope.tier === EnvironmentTier.DEV ? 'debug' : 'info', {
      description: 'How much the application logs',
    });

    // Servers of each kind the cost scheduler handles, sized by the tier from production's bounds.
    const capacity = TierCapacity.of(scope.profile, { minCapacity: 2, maxCapacity: 8 });
    const instanceType = new ec2.InstanceType('t4g.micro');
    const machineImage = ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 });
    const applicationSubnets = { subnetGroupName: 'Private' };
    const reports = new ec2.Instance(this, 'Reports', {
      vpc: scope.vpc,
      vpcSubnets: applicationSubnets,
      instanceType,
      machineImage,
      securityGroup: scope.applicationSecurityGroup,
      requireImdsv2: true,
    });
    acknowledge(reports, 'The account encrypts every new EBS volume by default (ComplianceBaseline\'s EBS default encryption), so the volume is encrypted without naming a key here',
      'AwsSolutions-EC26');
    const stateless = 'A stateless reporting instance, rebuilt from its image by CloudFormation: basic five-minute metrics and no termination protection are enough';
    acknowledge(reports, stateless, 'AwsSolutions-EC28', 'AwsSolutions-EC29', 'HIPAA.Security-EC2InstanceDetailedMonitoringEnabled');
    suppressGuard(reports, `${stateless}; it runs in a private subnet, which assigns no public address, on a t4g instance, which has no Nitro in-transit encryption`,
      'ec2_instance_detailed_monitoring_enabled_check', 'ec2_instance_no_public_ip_check', 'ec2_instance_nitro_encryption_in_transit_check');
    // Runs in working hours only where the environment has an off-hours schedule.
    cdk.Tags.of(reports).add('Schedule', 'office-hours');
    const database = new rds.DatabaseInstance(this, 'Database', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_9 }),
      instanceType,
      vpc: scope.vpc,
      vpcSubnets: { subnetGroupName: 'Data' },
      securityGroups: [scope.dataSecurityGroup],
      credentials: rds.Credentials.fromGeneratedSecret('shop', { encryptionKey: scope.key }),
      storageEncryptionKey: scope.key,
      multiAz: scope.profile.production,
      deletionProtection: scope.profile.production,
      removalPolicy: scope.profile.removalPolicy,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    cdk.Annotations.of(database).acknowledgeWarning('cdk-multi-env:productionDataRetained', 'In production the library retains the database\'s generated secret, as it does the database: the secret is what opens the retained data');
    const defaultPort = 'PostgreSQL listens on its default port in the data subnets, reachable from the application security group only';
    acknowledge(database, defaultPort, 'AwsSolutions-RDS11');
    suppressGuard(database, defaultPort, 'rds_instance_no_default_ports_check');
    suppressGuard(database, 'The application signs in with the generated password in Secrets Manager; IAM database authentication is not used',
      'rds_instance_iam_authentication_enabled_check');
    suppressGuard(database, 'Encrypted with the environment key, which the foundation stack exports: guard cannot resolve a key given as Fn::ImportValue',
      'rds_storage_encrypted_kms_key_check');
    suppressGuard(database, 'The postgresql and upgrade logs are exported to CloudWatch Logs (EnableCloudwatchLogsExports)', 'rds_instance_logging_enabled_check');
    suppressGuard(database, 'Backups are the tier\'s: AWS Backup plans where the tier keeps backups (BackupPolicy), RDS\'s one-day default elsewhere',
      'rds_instance_backup_enabled_check');
    const basicMonitoring = 'Database load shows in its CloudWatch metrics and exported logs; enhanced monitoring\'s OS metrics are not needed for this application';
    acknowledge(database, basicMonitoring, 'NIST.800.53.R5-RDSEnhancedMonitoringEnabled', 'HIPAA.Security-RDSEnhancedMonitoringEnabled');
    suppressGuard(database, basicMonitoring, 'rds_instance_enhanced_monitoring_enabled_check');
    acknowledge(database, 'The application reads the password at start; rotating it needs a rotation function with a path to the database, which this example leaves out',
      'AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled');
    if (!scope.profile.production) {
      const notProduction = `${scope.tier.name} is not a production tier: one availability zone and no deletion protection, as its profile decides; its data is recreated by the pipeline`;
      acknowledge(database, notProduction, 'AwsSolutions-RDS3', 'AwsSolutions-RDS10', 'NIST.800.53.R5-RDSMultiAZSupport', 'HIPAA.Security-RDSMultiAZSupport',
        'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled', 'HIPAA.Security-RDSInstanceDeletionProtectionEnabled');
      suppressGuard(database, notProduction, 'rds_instance_multi_az_support_check', 'rds_instance_deletion_protection_enabled_check');
    }
    if (!scope.backupPolicy) {
      acknowledge(database, `${scope.tier.name} keeps no backups, as its profile decides: its data is seed data the pipeline loads again`,
        'NIST.800.53.R5-RDSInBackupPlan', 'HIPAA.Security-RDSInBackupPlan');
    }
    // Staging, Prod and Hotfix back it up (Prod also copies, locks and restore-tests it).
    scope.backupPolicy?.addResource(database);
    const workers = new autoscaling.AutoScalingGroup(this, 'Workers', {
      vpc: scope.vpc,
      vpcSubnets: applicationSubnets,
      launchTemplate: new ec2.LaunchTemplate(this, 'WorkerTemplate', {
        instanceType,
        machineImage,
        securityGroup: scope.applicationSecurityGroup,
        requireImdsv2: true,
      }),
    });
    capacity.applyToAutoScalingGroup(workers);
    suppressGuard(workers, 'One instance type keeps the example small; the group spans the private subnets of every zone the environment has',
      'autoscaling_multiple_az_check', 'autoscaling_mixed_instances_policy_multiple_instance_types_check');
    acknowledge(workers, 'The account encrypts every new EBS volume by default (ComplianceBaseline\'s EBS default encryption); scaling events show in the group\'s activity history, '
      + 'and the environment\'s monitoring watches the application', 'AwsSolutions-EC26', 'AwsSolutions-AS3');
    const task = new ecs.FargateTaskDefinition(this, 'WebTask', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const webLogs = new logs.LogGroup(this, 'WebLogs', { retention: scope.profile.logRetention, encryptionKey: scope.key });
    logGroups.push(webLogs);
    task.addContainer('web', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
      portMappings: [{ containerPort: 80 }],
      logging: ecs.LogDrivers.awsLogs({
        streamPrefix: 'web',
        logGroup: webLogs,
      }),
      memoryLimitMiB: 512,
    });
    suppressGuard(task, 'nginx\'s public image runs as root and writes its cache to the container\'s file system',
      'ecs_task_definition_nonroot_user_check', 'ecs_containers_readonly_access_check');
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc: scope.vpc });
    const noInsights = 'One small service: its CPU and memory show in the ECS service metrics; Container Insights would add a cost per container';
    acknowledge(cluster, noInsights, 'AwsSolutions-ECS4');
    suppressGuard(cluster, noInsights, 'ecs_container_insights_enabled_check');
    const web = new ecs.FargateService(this, 'Web', {
      cluster,
      taskDefinition: task,
      vpcSubnets: applicationSubnets,
      securityGroups: [scope.applicationSecurityGroup],
      // A deploy whose tasks fail rolls back in minutes, and never runs fewer tasks than asked for.
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
    });
    capacity.applyToEcsService(web);

    for (const group of logGroups) {
      suppressGuard(group, 'Encrypted with the environment key, which the foundation stack exports: guard cannot resolve a key given as Fn::ImportValue',
        'cloudwatch_log_group_encrypted_check');
      if (!scope.profile.production) {
        suppressGuard(group, `Kept for the retention of the ${scope.tier.name} tier, as its profile decides; production keeps logs for a year`,
          'cloudwatch_log_group_retention_period_check');
      }
    }
    // Dev, QA and Demo: everything above sleeps outside working hours.
    const scheduler = scope.costScheduler;
    if (scheduler) {
      scheduler.addDatabaseInstance(database);
      scheduler.addAutoScalingGroup(workers, capacity.workingCapacity);
      scheduler.addEcsService(web, capacity.workingCapacity);
    }
  }
}

/** Acknowledges cdk-nag findings on a construct of the application, with the reason (cdk-nag v3 reads `Validations` acknowledgements). */
function acknowledge(scope: Construct, reason: string, ...ids: string[]): void {
  for (const id of ids) cdk.Validations.of(scope).acknowledge({ id, reason });
}

/** Suppresses CloudFormation Guard rules on the resource of a construct, with the reason, in its template. */
function suppressGuard(scope: IConstruct, reason: string, ...rules: string[]): void {
  GuardSuppressions.suppress(scope.node.defaultChild as cdk.CfnResource, reason, ...rules);
}

/** What the reference app holds: its environments and the pipeline that promotes changes through them. */
export interface ReferenceApp {
  readonly environments: IsolatedEnvironment[];
  readonly pipeline: MultiEnvPipeline;
}

/** Every environment of the reference setup (or of the list given), each with the workload. */
export function buildEnvironments(app: Construct, environments: ReferenceEnvironment[] = REFERENCE_ENVIRONMENTS): IsolatedEnvironment[] {
  return environments.map(e => {
    const region = e.region ?? REGION;
    const environment = new IsolatedEnvironment(app, e.id, {
      tier: e.tier,
      appName: APP_NAME,
      environmentName: e.environmentName,
      account: e.account,
      region,
      toolingAccount: TOOLING_ACCOUNT,
      cidr: e.cidr,
      availabilityZones: region === REGION ? AVAILABILITY_ZONES : ['a', 'b', 'c'].map(zone => `${region}${zone}`),
      tags: { CostCenter: 'shop-platform' },
      budget: { monthlyLimitUsd: e.monthlyBudgetUsd, emails: ['shop-platform@example.com'] },
    });
    // Dev, QA and Demo: the instances the team tags run in working hours only.
    environment.costScheduler?.addInstancesByTag('Schedule', 'office-hours');
    // The workload uses the foundation's VPC, key and configuration: those references deploy the foundation first.
    new WorkloadStack(environment, 'Workload');
    return environment;
  });
}

/** The test commands of the reference app, one per kind. */
export const REFERENCE_TESTS = [
  { kind: TestKind.UNIT, commands: ['npm test'] },
  { kind: TestKind.SMOKE, commands: ['./scripts/smoke-test.sh'] },
  { kind: TestKind.INTEGRATION, commands: ['npm run test:integration'] },
  { kind: TestKind.PERFORMANCE, commands: ['npm run test:performance'] },
  { kind: TestKind.DATA_MIGRATION, commands: ['./scripts/rehearse-migration.sh'] },
  { kind: TestKind.LOAD, commands: ['npm run test:load'] },
  { kind: TestKind.SECURITY, commands: ['./scripts/security-scan.sh'] },
];
export const REFERENCE_REPOSITORY = 'acme/shop';
export const REFERENCE_CONNECTION_ARN = `arn:aws:codeconnections:${REGION}:${TOOLING_ACCOUNT}:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`;

/**
 * Adds the reference setup to an app: every environment with the workload, and the pipeline. The
 * bench passes longer lists of environments (in tier order) to measure how synthesis grows.
 */
export function buildReferenceApp(app: Construct, referenceEnvironments: ReferenceEnvironment[] = REFERENCE_ENVIRONMENTS): ReferenceApp {
  const environments = buildEnvironments(app, referenceEnvironments);

  const tooling = new cdk.Stack(app, 'Tooling', {
    env: { account: TOOLING_ACCOUNT, region: REGION },
    description: `${APP_NAME}: the delivery pipeline and its hotfix lane`,
    // Its template written without indentation, as the README advises: about a quarter smaller, so
    // further from CloudFormation's 1 MB as environments are added.
    suppressTemplateIndentation: true,
  });
  const pipeline = new MultiEnvPipeline(tooling, 'Delivery', {
    source: PipelineSource.connection(REFERENCE_REPOSITORY, { connectionArn: REFERENCE_CONNECTION_ARN }),
    tests: REFERENCE_TESTS,
    dataSeed: { commands: ['./scripts/seed-demo-data.sh'] },
  });
  const releaseManagers = iam.Role.fromRoleName(tooling, 'ReleaseManagers', `${APP_NAME}-release-managers`);
  const onCall = iam.Role.fromRoleName(tooling, 'OnCall', `${APP_NAME}-on-call`);
  // Each tier as one step of the pipeline: a wave where it has several environments. Production's
  // first environment is the pilot: deployed, tested and baked before the others.
  for (const tier of new Set(environments.map(e => e.tier))) {
    const ofTier = environments.filter(e => e.tier === tier);
    const options: AddEnvironmentOptions = tier === EnvironmentTier.PROD ? { approvers: [releaseManagers], bakeAlarmNames: [`${APP_NAME}-${tier.name}-errors`] }
      : tier === EnvironmentTier.HOTFIX ? { approvers: [onCall] } : {};
    if (ofTier.length === 1) {
      pipeline.addEnvironment(ofTier[0], options);
    } else {
      pipeline.addWave(`${ofTier[0].node.id}-wave`, ofTier, { ...options, pilot: tier.profile.production ? [ofTier[0]] : undefined });
    }
  }
  // Every feature branch gets a copy of Dev in a sandbox account, four at most, gone a week after its last push.
  pipeline.addFeatureEnvironments(environments.find(e => e.tier === EnvironmentTier.DEV)!, { maxEnvironments: 4, featureAccount: FEATURE_ACCOUNT });
  return { environments, pipeline };
}
