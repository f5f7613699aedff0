import { Duration, Expiration, IAspect, Lazy, Names, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct, IConstruct } from 'constructs';
import { acknowledge, inCompliancePacks } from '../private/acknowledge';
import { INLINE_POLICY_REASON } from '../private/reasons';
import { schedulerOfAccount } from '../private/scheduler-principal';
import { stackArnPrefix, stacksOf } from '../private/stage-stacks';

/** How long after one round of deletions the stacks those stacks depended on are deleted. */
export const TEARDOWN_STEP = Duration.hours(1);

/** Properties of an `EnvironmentTeardown`. */
export interface EnvironmentTeardownProps {
  /** When the environment is torn down. */
  readonly expiration: Expiration;
  /** `<app>-<env>`, for descriptions. */
  readonly namePrefix: string;
}

/**
 * Deletes every stack of a short-lived environment once its time to live has passed. One
 * one-time EventBridge Scheduler schedule per stack calls CloudFormation's DeleteStack through a
 * universal target, so there is no Lambda function to deploy and nothing keeps running after the
 * environment is gone. CloudFormation deletes each stack with the role it was deployed with (the
 * CDK bootstrap's execution role), so the scheduler's role may call DeleteStack on these stacks and
 * nothing else.
 *
 * Stacks go in dependency order, one round every `TEARDOWN_STEP`: first the stacks nothing
 * depends on, then the stacks they depended on, and the foundation (which holds these schedules)
 * last. The order is computed when the template is written, so dependencies that cross-stack
 * references add count too.
 *
 * Written by hand because nothing in aws-cdk-lib or cdklabs tears down a stage on a timer.
 */
export class EnvironmentTeardown extends Construct {
  private readonly role: iam.Role;

  constructor(private readonly foundation: Stack, id: string, private readonly props: EnvironmentTeardownProps) {
    super(foundation, id);
    this.role = new iam.Role(this, 'Role', {
      description: `Deletes the stacks of ${props.namePrefix} when its time to live has passed`,
      assumedBy: schedulerOfAccount(foundation),
    });
    acknowledge(this.role, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
  }

  /** A schedule that deletes one stack of the environment, in its round. */
  public addStack(stack: Stack): void {
    new scheduler.Schedule(this, `Delete-${Names.uniqueId(stack)}`, {
      description: `Tears down ${this.props.namePrefix}: deletes stack ${stack.stackName}`,
      schedule: scheduler.ScheduleExpression.expression(
        // Uncached: the references scan resolves it before the dependencies it implies exist.
        Lazy.uncachedString({ produce: () => this.expressionFor(stack) }),
      ),
      target: new targets.Universal({
        service: 'cloudformation',
        action: 'deleteStack',
        input: scheduler.ScheduleTargetInput.fromObject({ StackName: stack.stackName }),
        policyStatements: [new iam.PolicyStatement({
          actions: ['cloudformation:DeleteStack'],
          resources: [`${stackArnPrefix(stack)}/*`],
        })],
        role: this.role,
      }),
    });
  }

  /** `at(...)` in UTC: the expiration, plus one step per round before this stack's. */
  private expressionFor(stack: Stack): string {
    const at = new Date(this.props.expiration.date.getTime() + this.roundOf(stack) * TEARDOWN_STEP.toMilliseconds());
    return `at(${at.toISOString().slice(0, 19)})`;
  }

  /** 0 for a stack no other stack of the stage depends on; the foundation after every other. */
  private roundOf(stack: Stack): number {
    const stacks = stacksOf(Stage.of(this.foundation)!).filter(s => s !== this.foundation);
    if (stack === this.foundation) return 1 + Math.max(-1, ...stacks.map(s => this.roundOf(s)));
    // CloudFormation refuses cyclic dependencies, so this recursion ends.
    const dependents = stacks.filter(s => s.dependencies.includes(stack));
    return 1 + Math.max(-1, ...dependents.map(d => this.roundOf(d)));
  }
}

/**
 * Gives every stack of the stage its deletion schedule, once the user has added them all, except
 * the stacks to keep.
 */
export class ScheduleTeardown implements IAspect {
  private done = false;

  constructor(private readonly stage: Stage, private readonly teardown: EnvironmentTeardown, private readonly keep: Stack[] = []) {}

  public visit(node: IConstruct): void {
    if (node !== this.stage || this.done) return;
    this.done = true;
    for (const stack of stacksOf(this.stage).filter(s => !this.keep.includes(s))) this.teardown.addStack(stack);
  }
}
