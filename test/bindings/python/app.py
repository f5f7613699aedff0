"""The reference app of examples/reference-app.ts, written in Python as a user of the PyPI package
would write it. test/bindings/run.sh checks that its templates are identical to TypeScript's."""
import os

import aws_cdk as cdk
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds

from cdk_multi_env import (
    BudgetOptions,
    EnvironmentTier,
    GuardSuppressions,
    IsolatedEnvironment,
    MultiEnvPipeline,
    PipelineCommands,
    PipelineSource,
    PipelineTest,
    TestKind,
    TierCapacity,
)

APP_NAME = "shop"
REGION = "eu-west-1"
TOOLING_ACCOUNT = "999999999999"
FEATURE_ACCOUNT = "777777777777"
AVAILABILITY_ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "examples")

# Seven environments: one per tier, each in its own account (placeholder account ids), VPC range and
# monthly budget (USD), and a second production environment in us-east-1 (production's account),
# which the pipeline deploys after the first, as a production wave.
# (id, tier, account, cidr, monthly budget, region, environment name or None for the tier's name)
REFERENCE_ENVIRONMENTS = [
    ("Dev", EnvironmentTier.DEV, "111111111111", "10.10.0.0/16", 100, REGION, None),
    ("QA", EnvironmentTier.QA, "222222222222", "10.20.0.0/16", 200, REGION, None),
    ("Staging", EnvironmentTier.STAGING, "333333333333", "10.30.0.0/16", 400, REGION, None),
    ("Prod", EnvironmentTier.PROD, "444444444444", "10.40.0.0/16", 1500, REGION, None),
    ("Prod-us-east-1", EnvironmentTier.PROD, "444444444444", "10.41.0.0/16", 1500, "us-east-1", "prod-us-east-1"),
    ("Demo", EnvironmentTier.DEMO, "555555555555", "10.50.0.0/16", 100, REGION, None),
    ("Hotfix", EnvironmentTier.HOTFIX, "666666666666", "10.60.0.0/16", 100, REGION, None),
]

REFERENCE_TESTS = [
    PipelineTest(kind=TestKind.UNIT, commands=["npm test"]),
    PipelineTest(kind=TestKind.SMOKE, commands=["./scripts/smoke-test.sh"]),
    PipelineTest(kind=TestKind.INTEGRATION, commands=["npm run test:integration"]),
    PipelineTest(kind=TestKind.PERFORMANCE, commands=["npm run test:performance"]),
    PipelineTest(kind=TestKind.DATA_MIGRATION, commands=["./scripts/rehearse-migration.sh"]),
    PipelineTest(kind=TestKind.LOAD, commands=["npm run test:load"]),
    PipelineTest(kind=TestKind.SECURITY, commands=["./scripts/security-scan.sh"]),
]


def suppress_guard(scope, reason: str, *rules: str) -> None:
    """Suppresses CloudFormation Guard rules on the resource of a construct, with the reason, in its template."""
    GuardSuppressions.suppress(scope.node.default_child, reason, *rules)


class WorkloadStack(cdk.Stack):
    """The team's workload, written once and right-sized by each environment's profile."""

    def __init__(self, scope: IsolatedEnvironment, id: str) -> None:
        super().__init__(scope, id, description=f"{APP_NAME} {scope.environment_name}: the application")
        log_groups = []
        log_group = logs.LogGroup(
            self,
            "ApplicationLogs",
            log_group_name=f"/{APP_NAME}/{scope.environment_name}/application",
            retention=scope.profile.log_retention,
            encryption_key=scope.key,
        )
        log_groups.append(log_group)
        # The alarm production's bake period watches after each deploy.
        errors = log_group.add_metric_filter(
            "Errors",
            filter_pattern=logs.FilterPattern.literal("ERROR"),
            metric_namespace=APP_NAME,
            metric_name=f"{scope.environment_name}-errors",
        ).metric(statistic="Sum", period=cdk.Duration.minutes(1))
        errors_alarm = cloudwatch.Alarm(
            self,
            "ErrorsAlarm",
            # Named after the tier, so that a production wave watches the alarm of the same name in each of its regions.
            alarm_name=f"{APP_NAME}-{scope.tier.name}-errors",
            metric=errors,
            threshold=5,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        # On the environment's dashboard, acting as the tier says (Prod pages, Dev records).
        scope.monitoring.add_alarm(errors_alarm)
        # Two functions: two file assets, which each environment's deploy build publishes.
        for id_, directory in [("Api", "api"), ("Worker", "worker")]:
            function_logs = logs.LogGroup(
                self, f"{id_}Logs", retention=scope.profile.log_retention, encryption_key=scope.key
            )
            # A role of its own that may write to its own log group only.
            role = iam.Role(self, f"{id_}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
            function_logs.grant_write(role)
            fn = lambda_.Function(
                self,
                f"{id_}Function",
                runtime=lambda_.Runtime.NODEJS_24_X,
                handler="index.handler",
                code=lambda_.Code.from_asset(os.path.join(EXAMPLES, "functions", directory)),
                role=role,
                log_group=function_logs,
            )
            suppress_guard(
                fn,
                "The function calls AWS APIs only (SSM and Secrets Manager, through its role) and reaches no resource in the VPC; in a VPC it would need a NAT gateway or interface endpoints, which Dev has not",
                "lambda_inside_vpc_check",
            )
            # aws-cdk-lib's Function depends on its role and the role's policy: the role entry repeats what the GetAtt of its ARN orders.
            fn.node.default_child.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})
            log_groups.append(function_logs)
            scope.config.grant_read(fn)
            scope.monitoring.monitor_lambda(fn)
        scope.config.add_parameter(
            "log-level",
            "debug" if scope.tier.name == EnvironmentTier.DEV.name else "info",
            description="How much the application logs",
        )

        # Servers of each kind the cost scheduler handles, sized by the tier from production's bounds.
        capacity = TierCapacity.of(scope.profile, min_capacity=2, max_capacity=8)
        instance_type = ec2.InstanceType("t4g.micro")
        machine_image = ec2.MachineImage.latest_amazon_linux2023(cpu_type=ec2.AmazonLinuxCpuType.ARM_64)
        application_subnets = ec2.SubnetSelection(subnet_group_name="Private")
        reports = ec2.Instance(
            self,
            "Reports",
            vpc=scope.vpc,
            vpc_subnets=application_subnets,
            instance_type=instance_type,
            machine_image=machine_image,
            security_group=scope.application_security_group,
            require_imdsv2=True,
        )
        suppress_guard(
            reports,
            "A stateless reporting instance, rebuilt from its image by CloudFormation: basic five-minute metrics and no termination protection are enough; it runs in a private subnet, which assigns no public address, on a t4g instance, which has no Nitro in-transit encryption",
            "ec2_instance_detailed_monitoring_enabled_check",
            "ec2_instance_no_public_ip_check",
            "ec2_instance_nitro_encryption_in_transit_check",
        )
        # Runs in working hours only where the environment has an off-hours schedule.
        cdk.Tags.of(reports).add("Schedule", "office-hours")
        database = rds.DatabaseInstance(
            self,
            "Database",
            engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_9),
            instance_type=instance_type,
            vpc=scope.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_group_name="Data"),
            security_groups=[scope.data_security_group],
            credentials=rds.Credentials.from_generated_secret("shop", encryption_key=scope.key),
            storage_encryption_key=scope.key,
            multi_az=scope.profile.production,
            deletion_protection=scope.profile.production,
            removal_policy=scope.profile.removal_policy,
            cloudwatch_logs_exports=["postgresql", "upgrade"],
        )
        cdk.Annotations.of(database).acknowledge_warning("cdk-multi-env:productionDataRetained", "In production the library retains the database's generated secret, as it does the database: the secret is what opens the retained data")
        suppress_guard(
            database,
            "PostgreSQL listens on its default port in the data subnets, reachable from the application security group only",
            "rds_instance_no_default_ports_check",
        )
        suppress_guard(
            database,
            "The application signs in with the generated password in Secrets Manager; IAM database authentication is not used",
            "rds_instance_iam_authentication_enabled_check",
        )
        suppress_guard(database, "Encrypted with the environment key, which the foundation stack exports: guard cannot resolve a key given as Fn::ImportValue", "rds_storage_encrypted_kms_key_check")
        suppress_guard(
            database,
            "The postgresql and upgrade logs are exported to CloudWatch Logs (EnableCloudwatchLogsExports)",
            "rds_instance_logging_enabled_check",
        )
        suppress_guard(
            database,
            "Backups are the tier's: AWS Backup plans where the tier keeps backups (BackupPolicy), RDS's one-day default elsewhere",
            "rds_instance_backup_enabled_check",
        )
        suppress_guard(
            database,
            "Database load shows in its CloudWatch metrics and exported logs; enhanced monitoring's OS metrics are not needed for this application",
            "rds_instance_enhanced_monitoring_enabled_check",
        )
        if not scope.profile.production:
            suppress_guard(
                database,
                f"{scope.tier.name} is not a production tier: one availability zone and no deletion protection, as its profile decides; its data is recreated by the pipeline",
                "rds_instance_multi_az_support_check",
                "rds_instance_deletion_protection_enabled_check",
            )
        # Staging, Prod and Hotfix back it up (Prod also copies, locks and restore-tests it).
        if scope.backup_policy is not None:
            scope.backup_policy.add_resource(database)
        workers = autoscaling.AutoScalingGroup(
            self,
            "Workers",
            vpc=scope.vpc,
            vpc_subnets=application_subnets,
            launch_template=ec2.LaunchTemplate(
                self,
                "WorkerTemplate",
                instance_type=instance_type,
                machine_image=machine_image,
                security_group=scope.application_security_group,
                require_imdsv2=True,
            ),
        )
        capacity.apply_to_auto_scaling_group(workers)
        suppress_guard(
            workers,
            "One instance type keeps the example small; the group spans the private subnets of every zone the environment has",
            "autoscaling_multiple_az_check",
            "autoscaling_mixed_instances_policy_multiple_instance_types_check",
        )
        task = ecs.FargateTaskDefinition(
            self,
            "WebTask",
            cpu=256,
            memory_limit_mib=512,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.ARM64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
        )
        web_logs = logs.LogGroup(self, "WebLogs", retention=scope.profile.log_retention, encryption_key=scope.key)
        log_groups.append(web_logs)
        task.add_container(
            "web",
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable"),
            port_mappings=[ecs.PortMapping(container_port=80)],
            logging=ecs.LogDrivers.aws_logs(stream_prefix="web", log_group=web_logs),
            memory_limit_mib=512,
        )
        suppress_guard(
            task,
            "nginx's public image runs as root and writes its cache to the container's file system",
            "ecs_task_definition_nonroot_user_check",
            "ecs_containers_readonly_access_check",
        )
        cluster = ecs.Cluster(self, "Cluster", vpc=scope.vpc)
        suppress_guard(
            cluster,
            "One small service: its CPU and memory show in the ECS service metrics; Container Insights would add a cost per container",
            "ecs_container_insights_enabled_check",
        )
        web = ecs.FargateService(
            self,
            "Web",
            cluster=cluster,
            task_definition=task,
            vpc_subnets=application_subnets,
            security_groups=[scope.application_security_group],
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
            min_healthy_percent=100,
        )
        capacity.apply_to_ecs_service(web)
        for group in log_groups:
            suppress_guard(group, "Encrypted with the environment key, which the foundation stack exports: guard cannot resolve a key given as Fn::ImportValue", "cloudwatch_log_group_encrypted_check")
            if not scope.profile.production:
                suppress_guard(
                    group,
                    f"Kept for the retention of the {scope.tier.name} tier, as its profile decides; production keeps logs for a year",
                    "cloudwatch_log_group_retention_period_check",
                )

        # Dev, QA and Demo: everything above sleeps outside working hours.
        scheduler = scope.cost_scheduler
        if scheduler is not None:
            scheduler.add_database_instance(database)
            # Python flattens a struct parameter into keyword arguments: the capacity's fields go one by one.
            scheduler.add_auto_scaling_group(
                workers, min_capacity=capacity.min_capacity, max_capacity=capacity.max_capacity
            )
            scheduler.add_ecs_service(
                web,
                min_capacity=capacity.min_capacity,
                max_capacity=capacity.max_capacity,
                auto_scaling=capacity.auto_scaling,
            )


app = cdk.App(outdir=os.environ["CDK_OUTDIR"])
environments = []
for id, tier, account, cidr, monthly_budget_usd, region, environment_name in REFERENCE_ENVIRONMENTS:
    environment = IsolatedEnvironment(
        app,
        id,
        tier=tier,
        app_name=APP_NAME,
        environment_name=environment_name,
        account=account,
        region=region,
        tooling_account=TOOLING_ACCOUNT,
        cidr=cidr,
        availability_zones=AVAILABILITY_ZONES if region == REGION else [f"{region}{zone}" for zone in "abc"],
        tags={"CostCenter": "shop-platform"},
        budget=BudgetOptions(monthly_limit_usd=monthly_budget_usd, emails=["shop-platform@example.com"]),
    )
    # Dev, QA and Demo: the instances the team tags run in working hours only.
    if environment.cost_scheduler is not None:
        environment.cost_scheduler.add_instances_by_tag("Schedule", "office-hours")
    # The workload uses the foundation's VPC, key and configuration: those references deploy the foundation first.
    WorkloadStack(environment, "Workload")
    environments.append(environment)

tooling = cdk.Stack(
    app,
    "Tooling",
    env=cdk.Environment(account=TOOLING_ACCOUNT, region=REGION),
    description=f"{APP_NAME}: the delivery pipeline and its hotfix lane",
    suppress_template_indentation=True,
)
pipeline = MultiEnvPipeline(
    tooling,
    "Delivery",
    source=PipelineSource.connection(
        "acme/shop",
        connection_arn=f"arn:aws:codeconnections:{REGION}:{TOOLING_ACCOUNT}:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    ),
    tests=REFERENCE_TESTS,
    data_seed=PipelineCommands(commands=["./scripts/seed-demo-data.sh"]),
)
release_managers = iam.Role.from_role_name(tooling, "ReleaseManagers", f"{APP_NAME}-release-managers")
on_call = iam.Role.from_role_name(tooling, "OnCall", f"{APP_NAME}-on-call")
# Each tier as one step of the pipeline: a wave where it has several environments. Production's
# first environment is the pilot: deployed, tested and baked before the others.
for tier_name in dict.fromkeys(e.tier.name for e in environments):
    of_tier = [e for e in environments if e.tier.name == tier_name]
    tier = of_tier[0].tier
    if tier_name == EnvironmentTier.PROD.name:
        options = dict(approvers=[release_managers], bake_alarm_names=[f"{APP_NAME}-{tier_name}-errors"])
    elif tier_name == EnvironmentTier.HOTFIX.name:
        options = dict(approvers=[on_call])
    else:
        options = {}
    if len(of_tier) == 1:
        pipeline.add_environment(of_tier[0], **options)
    else:
        pilot = [of_tier[0]] if tier.profile.production else None
        pipeline.add_wave(f"{of_tier[0].node.id}-wave", of_tier, pilot=pilot, **options)
# Every feature branch gets a copy of Dev, four at most, gone a week after its last push.
dev = next(e for e in environments if e.tier.name == EnvironmentTier.DEV.name)
pipeline.add_feature_environments(dev, max_environments=4, feature_account=FEATURE_ACCOUNT)
app.synth()
