import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { EcsServiceCapacity } from './cost-scheduler';
import { ValidationErrors } from '../private/validation-errors';
import { SizingClass, TierProfile } from '../tiers/tier-profile';

/** The capacity a workload needs in production, from which every tier's capacity follows. */
export interface ProductionCapacity {
  /** The fewest instances or tasks production runs. */
  readonly minCapacity: number;
  /** The most instances or tasks production may scale out to. */
  readonly maxCapacity: number;
  /**
   * The average CPU utilization that target tracking keeps, in tiers that scale.
   *
   * @default 60
   */
  readonly targetCpuUtilizationPercent?: number;
}

const DEFAULT_TARGET_CPU = 60;

/**
 * The capacity of one workload in one environment, from production's bounds and the sizing class
 * of the environment's profile, so the same workload code is right-sized in every environment:
 *
 * - SMALLEST (Dev, and every feature copy): one instance or task, fixed.
 * - SMALL (QA, Hotfix, Demo): production's minimum, fixed.
 * - MEDIUM (Staging): from production's minimum up to half its maximum, with target tracking
 *   on CPU for the occasional scale-out.
 * - FULL (Prod): production's bounds, with target tracking on CPU.
 *
 * Apply it to an Auto Scaling group or ECS service with one call; hand `workingCapacity` to the
 * environment's `costScheduler` so that the morning start restores exactly this capacity.
 *
 * @example
 * import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
 * import * as ecs from 'aws-cdk-lib/aws-ecs';
 * import { IsolatedEnvironment, TierCapacity } from 'cdk-multi-env';
 *
 * declare const env: IsolatedEnvironment;
 * declare const workers: autoscaling.AutoScalingGroup;
 * declare const api: ecs.FargateService;
 *
 * const capacity = TierCapacity.of(env.profile, { minCapacity: 2, maxCapacity: 10 });
 * capacity.applyToAutoScalingGroup(workers);
 * capacity.applyToEcsService(api);
 * env.costScheduler?.addEcsService(api, capacity.workingCapacity);
 */
export class TierCapacity {
  /**
   * The capacity an environment gives a workload with production's bounds.
   *
   * @param profile the environment's effective profile (`env.profile`: its tier's, with the
   * environment's overrides; a feature copy's is the smallest); its `sizing` decides
   * @param production the workload's capacity in production
   */
  public static of(profile: TierProfile, production: ProductionCapacity): TierCapacity {
    const errors = new ValidationErrors('TierCapacity.of');
    const { minCapacity: min, maxCapacity: max } = production;
    const target = production.targetCpuUtilizationPercent ?? DEFAULT_TARGET_CPU;
    if (!Number.isInteger(min) || min < 1) errors.add('minCapacity', `is ${min}; expected a whole number, 1 or more`);
    if (!Number.isInteger(max) || max < 1) errors.add('maxCapacity', `is ${max}; expected a whole number, 1 or more`);
    else if (max < min) errors.add('maxCapacity', `is ${max}, less than minCapacity (${min})`);
    if (!Number.isFinite(target) || target <= 0 || target > 100) {
      errors.add('targetCpuUtilizationPercent', `is ${target}; expected a percentage above 0 and at most 100`);
    }
    errors.throwIfAny();
    switch (profile.sizing) {
      case SizingClass.SMALLEST: return new TierCapacity(1, 1, undefined);
      case SizingClass.SMALL: return new TierCapacity(min, min, undefined);
      case SizingClass.MEDIUM: return new TierCapacity(min, Math.max(min, Math.ceil(max / 2)), target);
      case SizingClass.FULL: return new TierCapacity(min, max, target);
    }
  }

  /** The fewest instances or tasks. */
  public readonly minCapacity: number;
  /** The most instances or tasks; equal to `minCapacity` where the capacity is fixed. */
  public readonly maxCapacity: number;
  /**
   * The average CPU utilization target tracking keeps.
   *
   * @default - no auto scaling: the capacity is fixed
   */
  public readonly targetCpuUtilizationPercent?: number;

  private constructor(minCapacity: number, maxCapacity: number, targetCpuUtilizationPercent: number | undefined) {
    this.minCapacity = minCapacity;
    this.maxCapacity = maxCapacity;
    this.targetCpuUtilizationPercent = targetCpuUtilizationPercent;
  }

  /** Whether the capacity moves between its bounds with target tracking. */
  public get autoScaling(): boolean {
    return this.targetCpuUtilizationPercent !== undefined;
  }

  /** What the cost scheduler restores every morning: these bounds, starting at the minimum. */
  public get workingCapacity(): EcsServiceCapacity {
    return { minCapacity: this.minCapacity, maxCapacity: this.maxCapacity, desiredCapacity: this.minCapacity, autoScaling: this.autoScaling };
  }

  /**
   * Sets the group's minimum and maximum (and, where the capacity is fixed, its desired capacity)
   * to this capacity, replacing what the group was created with, and adds CPU target tracking
   * where the tier scales.
   */
  public applyToAutoScalingGroup(group: autoscaling.AutoScalingGroup): void {
    const resource = group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    resource.minSize = `${this.minCapacity}`;
    resource.maxSize = `${this.maxCapacity}`;
    // With target tracking the desired capacity is the policy's to set; a fixed one would reset it on every deploy.
    resource.desiredCapacity = this.autoScaling ? undefined : `${this.minCapacity}`;
    if (this.targetCpuUtilizationPercent !== undefined) {
      group.scaleOnCpuUtilization('TierCpuTracking', { targetUtilizationPercent: this.targetCpuUtilizationPercent });
    }
  }

  /**
   * Sets the service's desired count to this capacity's minimum and, where the tier scales, gives
   * it an Application Auto Scaling target with these bounds and CPU target tracking. The service
   * must not have auto scaling of its own.
   */
  public applyToEcsService(service: ecs.BaseService): void {
    const resource = service.node.defaultChild as ecs.CfnService;
    resource.desiredCount = this.minCapacity;
    if (this.targetCpuUtilizationPercent !== undefined) {
      service.autoScaleTaskCount({ minCapacity: this.minCapacity, maxCapacity: this.maxCapacity })
        .scaleOnCpuUtilization('TierCpuTracking', { targetUtilizationPercent: this.targetCpuUtilizationPercent });
    }
  }
}
