import { ArnFormat, Names, Stack, Stage, TimeZone } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { OffHoursSchedule } from './off-hours-schedule';
import { acknowledge, acknowledgeWildcardResources, asNagFinding, inCompliancePacks } from '../private/acknowledge';
import { INLINE_POLICY_REASON } from '../private/reasons';
import { schedulerOfAccount } from '../private/scheduler-principal';
import { ValidationErrors, validationError } from '../private/validation-errors';
import { StageProfile } from '../tiers/stage-profile';

/** Properties of a `CostScheduler`. */
export interface CostSchedulerProps {
  /** The working hours; outside them everything added to the scheduler is scaled down. */
  readonly schedule: OffHoursSchedule;

  /**
   * Whether the scheduler may scale down a production environment. End users have no off-hours:
   * without this, a scheduler inside a production-tier `IsolatedEnvironment` is an error.
   *
   * @default false
   */
  readonly allowProduction?: boolean;
}

/** The capacity a group or service has during working hours, restored every morning. */
export interface WorkingCapacity {
  /** The minimum during working hours. */
  readonly minCapacity: number;
  /** The maximum during working hours. */
  readonly maxCapacity: number;
  /**
   * The desired count set every morning.
   *
   * @default - minCapacity
   */
  readonly desiredCapacity?: number;
}

/** The working capacity of an ECS service, and whether it has Application Auto Scaling. */
export interface EcsServiceCapacity extends WorkingCapacity {
  /**
   * Whether the service has an Application Auto Scaling target, whose bounds must go to zero
   * off-hours too (otherwise auto scaling starts tasks again). The target must already exist.
   *
   * @default false
   */
  readonly autoScaling?: boolean;
}

/** One API call of a schedule: what Universal calls, with which input and which permissions. */
interface ApiCall {
  readonly service: string;
  readonly action: string;
  readonly input: Record<string, unknown>;
  readonly statements: iam.PolicyStatement[];
  /** Why the statements' wildcard resources, if any, cannot be narrower. */
  readonly wildcardReason?: string;
}

/**
 * Scales an environment down outside working hours and back up before people arrive: EC2
 * instances by tag, RDS instances, Aurora clusters, Auto Scaling groups and ECS services. Built on
 * EventBridge Scheduler's universal targets, which call the AWS API directly: no Lambda function
 * to deploy, patch or pay for. Each target's schedules and role live in the target's own stack,
 * and the role may do exactly the calls its schedules make, on that target only.
 *
 * @example
 * import * as cdk from 'aws-cdk-lib';
 * import * as rds from 'aws-cdk-lib/aws-rds';
 * import { CostScheduler, OffHoursSchedule } from 'cdk-multi-env';
 *
 * declare const stack: cdk.Stack;
 * declare const database: rds.IDatabaseInstance;
 *
 * const scheduler = new CostScheduler(stack, 'OffHours', {
 *   schedule: OffHoursSchedule.weekdays({ start: '07:00', stop: '19:00', timeZone: 'Europe/Berlin' }),
 * });
 * scheduler.addDatabaseInstance(database);
 * scheduler.addInstancesByTag('Schedule', 'office-hours');
 */
export class CostScheduler extends Construct {
  /** The working hours. */
  public readonly schedule: OffHoursSchedule;
  private readonly names = new Set<string>();

  constructor(scope: Construct, id: string, props: CostSchedulerProps) {
    super(scope, id);
    this.schedule = props.schedule;
    const environment = StageProfile.of(Stage.of(this));
    if (environment?.profile.production && !props.allowProduction) {
      const errors = new ValidationErrors(`CostScheduler '${id}'`, this);
      errors.add('allowProduction', `is not set, but environment '${environment.environmentName}' is a production tier, whose end users have no off-hours; set allowProduction to true to scale it down all the same`);
      errors.throwIfAny();
    }
  }

  /** Stops and starts an RDS database instance. */
  public addDatabaseInstance(instance: rds.IDatabaseInstance): void {
    const statement = (action: string) => new iam.PolicyStatement({ actions: [action], resources: [instance.instanceArn] });
    this.addTarget(instance, 'rds', {
      service: 'rds', action: 'stopDBInstance', input: { DbInstanceIdentifier: instance.instanceIdentifier }, statements: [statement('rds:StopDBInstance')],
    }, {
      service: 'rds', action: 'startDBInstance', input: { DbInstanceIdentifier: instance.instanceIdentifier }, statements: [statement('rds:StartDBInstance')],
    });
  }

  /** Stops and starts an Aurora database cluster. */
  public addDatabaseCluster(cluster: rds.IDatabaseCluster): void {
    const arn = Stack.of(cluster).formatArn({ service: 'rds', resource: 'cluster', resourceName: cluster.clusterIdentifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const statement = (action: string) => new iam.PolicyStatement({ actions: [action], resources: [arn] });
    this.addTarget(cluster, 'rds', {
      service: 'rds', action: 'stopDBCluster', input: { DbClusterIdentifier: cluster.clusterIdentifier }, statements: [statement('rds:StopDBCluster')],
    }, {
      service: 'rds', action: 'startDBCluster', input: { DbClusterIdentifier: cluster.clusterIdentifier }, statements: [statement('rds:StartDBCluster')],
    });
  }

  /** Sets an Auto Scaling group's minimum, desired and maximum to zero off-hours, and back to its working capacity. */
  public addAutoScalingGroup(group: autoscaling.IAutoScalingGroup, capacity: WorkingCapacity): void {
    this.checkCapacity(capacity);
    const call = (min: number, max: number, desired: number): ApiCall => ({
      service: 'autoscaling',
      action: 'updateAutoScalingGroup',
      input: { AutoScalingGroupName: group.autoScalingGroupName, MinSize: min, MaxSize: max, DesiredCapacity: desired },
      statements: [new iam.PolicyStatement({ actions: ['autoscaling:UpdateAutoScalingGroup'], resources: [group.autoScalingGroupArn] })],
      wildcardReason: 'An Auto Scaling group\'s ARN holds an id AWS generates; the ARN names this one group by its name, with "*" for that id',
    });
    this.addTarget(group, 'autoscaling', call(0, 0, 0),
      call(capacity.minCapacity, capacity.maxCapacity, capacity.desiredCapacity ?? capacity.minCapacity));
  }

  /**
   * Sets an ECS service's desired count to zero off-hours and back in the morning. With
   * `capacity.autoScaling`, the bounds of its Application Auto Scaling target go to zero too (otherwise
   * auto scaling would start tasks again) and back to the working capacity.
   */
  public addEcsService(service: ecs.IBaseService, capacity: EcsServiceCapacity): void {
    this.checkCapacity(capacity);
    const cluster = service.cluster.clusterName;
    const updateService = (desired: number): ApiCall => ({
      service: 'ecs',
      action: 'updateService',
      input: { Cluster: cluster, Service: service.serviceName, DesiredCount: desired },
      statements: [new iam.PolicyStatement({ actions: ['ecs:UpdateService'], resources: [service.serviceArn] })],
    });
    const bounds = (min: number, max: number): ApiCall => ({
      service: 'applicationautoscaling',
      action: 'registerScalableTarget',
      input: {
        ServiceNamespace: 'ecs',
        ResourceId: `service/${cluster}/${service.serviceName}`,
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: min,
        MaxCapacity: max,
      },
      // RegisterScalableTarget has no resource-level permissions: it is limited to ECS instead.
      statements: [new iam.PolicyStatement({
        actions: ['application-autoscaling:RegisterScalableTarget'],
        resources: ['*'],
        conditions: { StringEquals: { 'application-autoscaling:service-namespace': 'ecs' } },
      })],
      wildcardReason: 'application-autoscaling:RegisterScalableTarget has no resource-level permissions ("*" is all IAM accepts); its condition limits it to ECS',
    });
    const desired = capacity.desiredCapacity ?? capacity.minCapacity;
    if (capacity.autoScaling) {
      this.addTarget(service, 'ecs-bounds', bounds(0, 0), bounds(capacity.minCapacity, capacity.maxCapacity));
    }
    this.addTarget(service, 'ecs', updateService(0), updateService(desired));
  }

  /**
   * Stops and starts the EC2 instances that carry a tag, through the AWS-managed SSM Automation
   * runbooks AWS-StopEC2Instance and AWS-StartEC2Instance (EventBridge Scheduler cannot select
   * instances by tag itself). The automation role may stop and start only instances with that tag.
   */
  public addInstancesByTag(key: string, value: string): void {
    const errors = new ValidationErrors(`CostScheduler '${this.node.id}': addInstancesByTag`, this);
    if (!/^[\w .:/=+@-]{1,128}$/.test(key) || key.startsWith('aws:')) errors.add('key', `is '${key}'; expected a tag key of 1 to 128 characters, not starting with aws:`);
    if (!/^[\w .:/=+@-]{0,256}$/.test(value)) errors.add('value', `is '${value}'; expected a tag value of at most 256 characters`);
    errors.throwIfAny();
    const scope = new Construct(this, `Instances-${this.uniqueName(`tag-${key}-${value}`)}`);
    const stack = Stack.of(this);
    const automationRole = new iam.Role(scope, 'AutomationRole', {
      description: `Stops and starts EC2 instances tagged ${key}=${value} for the off-hours schedule`,
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com'),
    });
    automationRole.addToPolicy(new iam.PolicyStatement({
      actions: ['ec2:StopInstances', 'ec2:StartInstances'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
      conditions: { StringEquals: { [`aws:ResourceTag/${key}`]: value } },
    }));
    automationRole.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeInstanceStatus', 'ec2:DescribeInstances'], resources: ['*'] }));
    acknowledge(automationRole, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
    acknowledgeWildcardResources(automationRole, 'Stops and starts only the instances that carry the tag (the statement\'s aws:ResourceTag condition): instances come and go, '
      + 'so they cannot be named; ec2:DescribeInstances and DescribeInstanceStatus have no resource-level permissions and only read',
    stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' }), '*');
    const call = (document: string): ApiCall => ({
      service: 'ssm',
      action: 'startAutomationExecution',
      input: {
        DocumentName: document,
        TargetParameterName: 'InstanceId',
        Targets: [{ Key: `tag:${key}`, Values: [value] }],
        MaxConcurrency: '100%',
        MaxErrors: '100%',
        Parameters: { AutomationAssumeRole: [automationRole.roleArn] },
      },
      statements: [
        new iam.PolicyStatement({
          actions: ['ssm:StartAutomationExecution'],
          resources: [stack.formatArn({ service: 'ssm', account: '', resource: 'automation-definition', resourceName: `${document}:$DEFAULT` })],
        }),
        new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [automationRole.roleArn] }),
        // Automation resolves the tag to instances with the caller's permissions.
        new iam.PolicyStatement({ actions: ['ec2:DescribeInstances', 'tag:GetResources'], resources: ['*'] }),
      ],
      wildcardReason: 'ec2:DescribeInstances and tag:GetResources have no resource-level permissions ("*" is all IAM accepts); they only read, to find the tagged instances',
    });
    this.schedulePair(scope, call('AWS-StopEC2Instance'), call('AWS-StartEC2Instance'));
  }

  /** The schedules of one target, with their role, in the target's own stack. */
  private addTarget(target: Construct, kind: string, stop: ApiCall, start: ApiCall): void {
    const scope = new Construct(Stack.of(target), `OffHours-${this.uniqueName(`${kind}-${Names.uniqueId(target)}`)}`);
    this.schedulePair(scope, stop, start);
  }

  private schedulePair(scope: Construct, stop: ApiCall, start: ApiCall): void {
    const role = new iam.Role(scope, 'SchedulerRole', {
      description: 'Runs the off-hours schedules of one target',
      assumedBy: schedulerOfAccount(scope),
    });
    acknowledge(role, INLINE_POLICY_REASON, ...inCompliancePacks('IAMNoInlinePolicy'));
    for (const call of [stop, start].filter(c => c.wildcardReason)) {
      const wildcards = call.statements.flatMap(s => s.resources).filter(arn => asNagFinding(role, arn).includes('*'));
      acknowledgeWildcardResources(role, call.wildcardReason!, ...wildcards);
    }
    const timeZone = TimeZone.of(this.schedule.timeZone);
    const target = (call: ApiCall) => new targets.Universal({
      service: call.service,
      action: call.action,
      input: scheduler.ScheduleTargetInput.fromObject(call.input),
      policyStatements: call.statements,
      role,
    });
    new scheduler.Schedule(scope, 'Stop', {
      description: `Scale down at ${this.schedule.stop} ${this.schedule.timeZone}, every day`,
      schedule: scheduler.ScheduleExpression.expression(this.schedule.stopExpression, timeZone),
      target: target(stop),
    });
    new scheduler.Schedule(scope, 'Start', {
      description: `Scale up at ${this.schedule.start} ${this.schedule.timeZone}, on ${this.schedule.days.join(', ')}`,
      schedule: scheduler.ScheduleExpression.expression(this.schedule.startExpression, timeZone),
      target: target(start),
    });
    this.schedule.dayOffExpressions.forEach((expression, i) => new scheduler.Schedule(scope, `DayOff${i + 1}`, {
      description: `Keep down on ${this.schedule.daysOff[i]}, a day off`,
      schedule: scheduler.ScheduleExpression.expression(expression, timeZone),
      target: target(stop),
    }));
  }

  private checkCapacity(capacity: WorkingCapacity): void {
    const errors = new ValidationErrors(`CostScheduler '${this.node.id}'`, this);
    const { minCapacity: min, maxCapacity: max, desiredCapacity: desired } = capacity;
    if (!Number.isInteger(min) || min < 0) errors.add('minCapacity', `is ${min}; expected a whole number, 0 or more`);
    if (!Number.isInteger(max) || max < 1) errors.add('maxCapacity', `is ${max}; expected a whole number, 1 or more`);
    else if (max < min) errors.add('maxCapacity', `is ${max}, less than minCapacity (${min})`);
    if (desired !== undefined && (!Number.isInteger(desired) || desired < min || desired > max)) {
      errors.add('desiredCapacity', `is ${desired}; expected a whole number from minCapacity (${min}) to maxCapacity (${max})`);
    }
    errors.throwIfAny();
  }

  /** A construct id for a target, unique in this scheduler; adding a target twice is an error. */
  private uniqueName(name: string): string {
    if (this.names.has(name)) {
      throw validationError(`CostScheduler '${this.node.id}': target ${name} is already scheduled; add each target once`, this);
    }
    this.names.add(name);
    return name.replace(/[^A-Za-z0-9-]/g, '-');
  }
}
