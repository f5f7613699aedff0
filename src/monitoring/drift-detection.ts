import { Duration, IAspect, Names, Stack, Stage } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct, IConstruct } from 'constructs';
import { EnvironmentMonitoring } from './environment-monitoring';
import { acknowledge, acknowledgeWildcardResources, inCompliancePacks } from '../private/acknowledge';
import { INLINE_POLICY_REASON } from '../private/reasons';
import { schedulerOfAccount } from '../private/scheduler-principal';
import { stackArnPrefix, stacksOf } from '../private/stage-stacks';

/** Properties of a `DriftDetection`. */
export interface DriftDetectionProps {
  /** How often each stack is checked: whole hours, at least one (the tier profile's `driftDetection`). */
  readonly interval: Duration;
  /** The environment's monitoring: its topic hears of drift, its dashboard shows it. */
  readonly monitoring: EnvironmentMonitoring;
  /** `<app>-<env>`, for descriptions. */
  readonly namePrefix: string;
}

/**
 * Checks every stack of an environment for drift on a schedule, and tells people when one has
 * drifted. One EventBridge Scheduler schedule per stack calls CloudFormation's DetectStackDrift
 * through a universal target (no Lambda function to deploy or patch); CloudFormation reports each
 * detection to EventBridge, where a rule sends the drifted ones (the stack, how many of its
 * resources drifted, a link to the drift in the console) to the alarm topic, and an alarm on that
 * rule turns red on the dashboard for a day.
 *
 * Written by hand: aws-cdk-lib has AWS Config's CloudFormationStackDriftDetectionCheck, but it needs
 * a Config recorder in the account (off in Dev, often run centrally) and reports to Config, not to
 * the environment's people; CDK Pipelines has nothing for drift.
 */
export class DriftDetection extends Construct {
  private readonly role: iam.Role;

  constructor(scope: Construct, id: string, private readonly props: DriftDetectionProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      description: `Detects drift of the stacks of ${props.namePrefix}`,
      assumedBy: schedulerOfAccount(this),
      // CloudFormation reads the live state of each resource with the caller's credentials: drift
      // detection needs to read every resource type a stack may hold, which is what this policy is.
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
    });
    acknowledge(this.role, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
    acknowledge(this.role, 'CloudFormation detects drift with the caller\'s credentials, reading every resource of the stack: only AWS\'s ReadOnlyAccess covers every '
      + 'resource type a workload stack may hold. Only EventBridge Scheduler in this account may assume the role, and its schedules only call DetectStackDrift',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]');

  }

  /**
   * A schedule per stack that checks it for drift, and the rule that reports the drifted ones among
   * them (not those of other environments of the account).
   */
  public watch(stacks: Stack[]): void {
    const { namePrefix } = this.props;
    const stackIds = stacks.map(stack => events.Match.prefix(`${stackArnPrefix(stack)}/`));
    for (const stack of stacks) this.schedule(stack);
    acknowledgeWildcardResources(this.role, 'A stack\'s ARN ends with an id CloudFormation gives it when it is created: the wildcard stands for that id, the stack is named',
      ...stacks.map(stack => `${stackArnPrefix(stack)}/*`));
    this.props.monitoring._watchEvents(this, 'Drifted', `A stack of ${namePrefix} drifted from its template (changed outside the pipeline)`, {
      source: ['aws.cloudformation'],
      detailType: ['CloudFormation Drift Detection Status Change'],
      detail: {
        'stack-id': events.Match.anyOf(...stackIds),
        'status-details': { 'stack-drift-status': ['DRIFTED'] },
      },
    }, events.RuleTargetInput.fromText([
      `Drift in ${namePrefix}: stack ${events.EventField.fromPath('$.detail.stack-id')}`,
      `has ${events.EventField.fromPath('$.detail.drift-detection-details.drifted-stack-resource-count')} resource(s) that differ from its template (changed outside the pipeline).`,
      `See them: https://console.aws.amazon.com/cloudformation/home?region=${events.EventField.region}#/stacks/drifts?stackId=${events.EventField.fromPath('$.detail.stack-id')}`,
    ].join(' ')), Duration.days(1));
  }

  private schedule(stack: Stack): void {
    new scheduler.Schedule(this, `Detect-${Names.uniqueId(stack)}`, {
      description: `Detects drift of stack ${stack.stackName}, every ${this.props.interval.toHumanString()}`,
      schedule: scheduler.ScheduleExpression.rate(this.props.interval),
      target: new targets.Universal({
        service: 'cloudformation',
        action: 'detectStackDrift',
        input: scheduler.ScheduleTargetInput.fromObject({ StackName: stack.stackName }),
        policyStatements: [new iam.PolicyStatement({
          actions: ['cloudformation:DetectStackDrift', 'cloudformation:DetectStackResourceDrift'],
          resources: [`${stackArnPrefix(stack)}/*`],
        })],
        role: this.role,
      }),
    });
  }
}

/** Gives every stack of the environment its drift schedule, once the user has added them all. */
export class DetectDriftOfEveryStack implements IAspect {
  private done = false;

  constructor(private readonly stage: Stage, private readonly detection: DriftDetection) {}

  public visit(node: IConstruct): void {
    if (node !== this.stage || this.done) return;
    this.done = true;
    // A stack in another region (a backup copy's vault) reports its drift there: its own region's
    // schedules and rules would have to watch it, and a vault has nothing to drift but its policy.
    const { account, region } = this.stage;
    this.detection.watch(stacksOf(this.stage).filter(s => s.account === account && s.region === region));
  }
}
