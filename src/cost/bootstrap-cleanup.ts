import { Duration, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acceptTierLogRetention } from '../private/log-retention';
import { ValidationErrors } from '../private/validation-errors';
import { FIXED_DEFAULTS } from '../tiers/fixed-defaults';
import { acknowledgeBootstrapCleanup } from './private/bootstrap-cleanup-acknowledgements';
import { validateGracePeriod } from './private/grace-period';
import { schedulerOfAccount } from '../private/scheduler-principal';

/** How an environment cleans up its account's CDK bootstrap assets. */
export interface BootstrapCleanupOptions {
  /**
   * Whether old assets no deployed template references are deleted from the CDK bootstrap's
   * bucket and repository every week (`cdk gc`).
   *
   * @default - on where the tier's data is throwaway (removal policy DESTROY: Dev, QA, Demo), where
   * every commit publishes assets and nothing needs an old one back
   */
  readonly enabled?: boolean;

  /**
   * How long an asset that no deployed template references is kept before it is deleted (`cdk gc
   * --rollback-buffer-days`): whole days, at least the longest a pipeline run can take (a run may
   * deploy, or roll back to, templates whose assets it published when it started).
   *
   * @default Duration.days(30)
   */
  readonly gracePeriod?: Duration;
}

/** Properties of a `BootstrapCleanup`. */
export interface BootstrapCleanupProps {
  /**
   * How long an asset that no deployed template references is kept before it is deleted (`cdk gc
   * --rollback-buffer-days`): whole days, at least one.
   *
   * @default Duration.days(30)
   */
  readonly gracePeriod?: Duration;

  /**
   * The CDK CLI whose `cdk gc` runs: an exact version.
   *
   * @default - the version the library is tested with
   */
  readonly cdkCliVersion?: string;

  /**
   * The name of the CDK bootstrap stack of the account and region (`cdk bootstrap --toolkit-stack-name`).
   *
   * @default 'CDKToolkit'
   */
  readonly bootstrapStackName?: string;

  /**
   * Encrypts the job's logs and artifacts.
   *
   * @default - AWS managed keys
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long the job's logs are kept.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Hears of a clean-up that failed.
   *
   * @default - no notification
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Deletes the CDK bootstrap's assets (files in its bucket, images in its repository) that no
 * template deployed in the account and region references any more, after a grace period: every
 * deploy publishes assets there, and nothing else ever removes them. It runs the CDK CLI's own
 * `cdk gc` (which tags an unreferenced asset first and deletes it once it has stayed unreferenced
 * for the grace period) in a CodeBuild project of the account, started every Sunday at 05:00 UTC
 * by an EventBridge Scheduler schedule; a failed run notifies the alarm topic. Its role may read
 * the account's stacks and templates, and tag and delete in the bootstrap's bucket and repository
 * only.
 *
 * Written by hand because nothing runs `cdk gc` on a schedule: the CLI has the logic, not the
 * scheduling or the permissions.
 */
export class BootstrapCleanup extends Construct {
  /** How long an unreferenced asset is kept before it is deleted. */
  public readonly gracePeriod: Duration;
  /** The project that runs `cdk gc`. */
  public readonly project: codebuild.Project;

  constructor(scope: Construct, id: string, props: BootstrapCleanupProps = {}) {
    super(scope, id);
    const { weekDay, hour, gracePeriodDays, createdBufferDays } = FIXED_DEFAULTS.bootstrapCleanup;
    this.gracePeriod = props.gracePeriod ?? Duration.days(gracePeriodDays);
    const errors = new ValidationErrors(`BootstrapCleanup '${id}'`, this);
    validateGracePeriod(this.gracePeriod, errors, 'gracePeriod');
    errors.throwIfAny();

    const stack = Stack.of(this);
    const { account, region } = stack;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const logGroup = new logs.LogGroup(this, 'Logs', { encryptionKey: props.encryptionKey, retention });
    acceptTierLogRetention(logGroup, retention);
    const cli = props.cdkCliVersion ?? FIXED_DEFAULTS.cdkCliVersion;
    this.project = new codebuild.Project(this, 'Project', {
      description: `Deletes the CDK bootstrap's assets that no stack of ${account}/${region} has used for ${this.gracePeriod.toHumanString()} (cdk gc)`,
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        phases: {
          build: {
            commands: [
              // --confirm=false: no one is there to answer; the grace period is the confirmation.
              // --toolkit-stack-name: the pinned CLI's `cdk gc --help` marks --bootstrap-stack-name
              // deprecated for it (test/aws-definitions/ holds every flag against that help).
              `npx --yes aws-cdk@${cli} gc aws://${account}/${region} --unstable=gc --action=full --type=all --confirm=false `
                + `--rollback-buffer-days ${this.gracePeriod.toDays()} --created-buffer-days ${createdBufferDays} `
                + `--toolkit-stack-name ${props.bootstrapStackName ?? 'CDKToolkit'}`,
            ],
          },
        },
      }),
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0 },
      encryptionKey: props.encryptionKey,
      logging: { cloudWatch: { logGroup } },
      timeout: Duration.hours(2),
    });
    const wildcards = this.grantCleanup(this.project, stack);

    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'Starts the clean-up of the CDK bootstrap\'s assets',
      assumedBy: schedulerOfAccount(this),
    });
    new scheduler.Schedule(this, 'Schedule', {
      description: `Starts the clean-up of the CDK bootstrap's assets every ${weekDay} at ${String(hour).padStart(2, '0')}:00 UTC`,
      schedule: scheduler.ScheduleExpression.cron({ weekDay, hour: String(hour), minute: '0' }),
      target: new targets.CodeBuildStartBuild(this.project, { role: schedulerRole }),
    });
    acknowledgeBootstrapCleanup(this.project, schedulerRole, wildcards);
    if (props.alarmTopic) {
      new events.Rule(this, 'Failed', {
        description: 'The clean-up of the CDK bootstrap\'s assets failed',
        eventPattern: {
          source: ['aws.codebuild'],
          detailType: ['CodeBuild Build State Change'],
          detail: { 'project-name': [this.project.projectName], 'build-status': ['FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED'] },
        },
        targets: [new eventsTargets.SnsTopic(props.alarmTopic)],
      });
    }
  }

  /**
   * What `cdk gc` calls: the account's stacks and templates (to know which assets are in use), the
   * bootstrap stack's outputs (to find the bucket and repository), and in those alone, listing,
   * tagging and deleting.
   */
  private grantCleanup(project: codebuild.Project, stack: Stack): string[] {
    const { account, region } = stack;
    const stacks = stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: '*/*' });
    const bucket = `arn:${stack.partition}:s3:::cdk-*-assets-${account}-${region}`;
    const repository = stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: `cdk-*-container-assets-${account}-${region}` });
    const statements = [
      new iam.PolicyStatement({ actions: ['cloudformation:ListStacks'], resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate'], resources: [stacks] }),
      new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [bucket] }),
      new iam.PolicyStatement({
        actions: ['s3:GetObjectTagging', 's3:PutObjectTagging', 's3:DeleteObjectTagging', 's3:DeleteObject'],
        resources: [`${bucket}/*`],
      }),
      new iam.PolicyStatement({
        actions: ['ecr:DescribeRepositories', 'ecr:DescribeImages', 'ecr:ListImages', 'ecr:BatchGetImage', 'ecr:PutImage', 'ecr:BatchDeleteImage'],
        resources: [repository],
      }),
    ];
    statements.forEach(statement => project.addToRolePolicy(statement));
    return ['*', stacks, bucket, `${bucket}/*`, repository];
  }
}
