package io.github.cdkmultienv.reference;

import io.github.cdkmultienv.AddWaveOptions;
import io.github.cdkmultienv.BudgetOptions;
import io.github.cdkmultienv.EnvironmentTier;
import io.github.cdkmultienv.FeatureEnvironmentOptions;
import io.github.cdkmultienv.GuardSuppressions;
import io.github.cdkmultienv.IsolatedEnvironment;
import io.github.cdkmultienv.MultiEnvPipeline;
import io.github.cdkmultienv.ConnectionSourceOptions;
import io.github.cdkmultienv.ParameterOptions;
import io.github.cdkmultienv.PipelineCommands;
import io.github.cdkmultienv.PipelineSource;
import io.github.cdkmultienv.PipelineTest;
import io.github.cdkmultienv.CostScheduler;
import io.github.cdkmultienv.ProductionCapacity;
import io.github.cdkmultienv.TestKind;
import io.github.cdkmultienv.TierCapacity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.autoscaling.AutoScalingGroup;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.ec2.AmazonLinux2023ImageSsmParameterProps;
import software.amazon.awscdk.services.ec2.AmazonLinuxCpuType;
import software.amazon.awscdk.services.ec2.IMachineImage;
import software.amazon.awscdk.services.ec2.Instance;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.MetricFilterOptions;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.CredentialsBaseOptions;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;
import software.constructs.IConstruct;

/**
 * The reference app of examples/reference-app.ts, written in Java as a user of the Maven package
 * would write it. test/bindings/run.sh checks that its templates are identical to TypeScript's.
 */
public final class ReferenceApp {
    static final String APP_NAME = "shop";
    static final String REGION = "eu-west-1";
    static final String TOOLING_ACCOUNT = "999999999999";
    static final String FEATURE_ACCOUNT = "777777777777";
    static final List<String> AVAILABILITY_ZONES = List.of("eu-west-1a", "eu-west-1b", "eu-west-1c");
    /** The examples folder, for the functions' code; the consumer app runs from test/bindings/java. */
    static final Path EXAMPLES = Path.of(System.getProperty("user.dir"), "..", "..", "..", "examples").normalize();

    /** One environment of the reference setup: a tier in its own account, with its own VPC range. */
    record ReferenceEnvironment(String id, EnvironmentTier tier, String account, String cidr, int monthlyBudgetUsd,
            String region, String environmentName) {
        /** In the reference region, named after its tier. */
        ReferenceEnvironment(final String id, final EnvironmentTier tier, final String account, final String cidr, final int monthlyBudgetUsd) {
            this(id, tier, account, cidr, monthlyBudgetUsd, REGION, null);
        }
    }

    /**
     * Seven environments: one per tier, each in its own account (placeholder account ids), VPC range
     * and monthly budget (USD), and a second production environment in us-east-1 (production's
     * account), which the pipeline deploys after the first, as a production wave.
     */
    static final List<ReferenceEnvironment> REFERENCE_ENVIRONMENTS = List.of(
        new ReferenceEnvironment("Dev", EnvironmentTier.DEV, "111111111111", "10.10.0.0/16", 100),
        new ReferenceEnvironment("QA", EnvironmentTier.QA, "222222222222", "10.20.0.0/16", 200),
        new ReferenceEnvironment("Staging", EnvironmentTier.STAGING, "333333333333", "10.30.0.0/16", 400),
        new ReferenceEnvironment("Prod", EnvironmentTier.PROD, "444444444444", "10.40.0.0/16", 1500),
        new ReferenceEnvironment("Prod-us-east-1", EnvironmentTier.PROD, "444444444444", "10.41.0.0/16", 1500, "us-east-1", "prod-us-east-1"),
        new ReferenceEnvironment("Demo", EnvironmentTier.DEMO, "555555555555", "10.50.0.0/16", 100),
        new ReferenceEnvironment("Hotfix", EnvironmentTier.HOTFIX, "666666666666", "10.60.0.0/16", 100));

    static PipelineTest test(final TestKind kind, final String command) {
        return PipelineTest.builder().kind(kind).commands(List.of(command)).build();
    }

    static final List<PipelineTest> REFERENCE_TESTS = List.of(
        test(TestKind.UNIT, "npm test"),
        test(TestKind.SMOKE, "./scripts/smoke-test.sh"),
        test(TestKind.INTEGRATION, "npm run test:integration"),
        test(TestKind.PERFORMANCE, "npm run test:performance"),
        test(TestKind.DATA_MIGRATION, "./scripts/rehearse-migration.sh"),
        test(TestKind.LOAD, "npm run test:load"),
        test(TestKind.SECURITY, "./scripts/security-scan.sh"));

    /** Suppresses CloudFormation Guard rules on the resource of a construct, with the reason, in its template. */
    static void suppressGuard(final IConstruct scope, final String reason, final String... rules) {
        GuardSuppressions.suppress((CfnResource) scope.getNode().getDefaultChild(), reason, rules);
    }

    /** The team's workload, written once and right-sized by each environment's profile. */
    static final class WorkloadStack extends Stack {
        WorkloadStack(final IsolatedEnvironment scope, final String id) {
            super(scope, id, StackProps.builder()
                .description(APP_NAME + " " + scope.getEnvironmentName() + ": the application")
                .build());
            final LogGroup logGroup = LogGroup.Builder.create(this, "ApplicationLogs")
                .logGroupName("/" + APP_NAME + "/" + scope.getEnvironmentName() + "/application")
                .retention(scope.getProfile().getLogRetention())
                .encryptionKey(scope.getKey())
                .build();
            final List<LogGroup> logGroups = new ArrayList<>();
            logGroups.add(logGroup);
            // The alarm production's bake period watches after each deploy: named after the tier, so that a
            // production wave watches the alarm of the same name in each of its regions.
            final IMetric errors = logGroup.addMetricFilter("Errors", MetricFilterOptions.builder()
                    .filterPattern(FilterPattern.literal("ERROR"))
                    .metricNamespace(APP_NAME)
                    .metricName(scope.getEnvironmentName() + "-errors")
                    .build())
                .metric(MetricOptions.builder().statistic("Sum").period(Duration.minutes(1)).build());
            final Alarm errorsAlarm = Alarm.Builder.create(this, "ErrorsAlarm")
                .alarmName(APP_NAME + "-" + scope.getTier().getName() + "-errors")
                .metric(errors)
                .threshold(5)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
            // On the environment's dashboard, acting as the tier says (Prod pages, Dev records).
            scope.getMonitoring().addAlarm(errorsAlarm);
            // Two functions: two file assets, which each environment's deploy build publishes.
            for (final String[] function : new String[][] {{"Api", "api"}, {"Worker", "worker"}}) {
                final LogGroup functionLogs = LogGroup.Builder.create(this, function[0] + "Logs")
                    .retention(scope.getProfile().getLogRetention())
                    .encryptionKey(scope.getKey())
                    .build();
                // A role of its own that may write to its own log group only.
                final Role role = Role.Builder.create(this, function[0] + "Role")
                    .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                    .build();
                functionLogs.grantWrite(role);
                final Function fn = Function.Builder.create(this, function[0] + "Function")
                    .runtime(Runtime.NODEJS_24_X)
                    .handler("index.handler")
                    .code(Code.fromAsset(EXAMPLES.resolve("functions").resolve(function[1]).toString()))
                    .role(role)
                    .logGroup(functionLogs)
                    .build();
                suppressGuard(fn,
                    "The function calls AWS APIs only (SSM and Secrets Manager, through its role) and reaches no resource in the VPC; "
                        + "in a VPC it would need a NAT gateway or interface endpoints, which Dev has not",
                    "lambda_inside_vpc_check");
                // aws-cdk-lib's Function depends on its role and the role's policy: the role entry repeats what the GetAtt of its ARN orders.
                ((CfnResource) fn.getNode().getDefaultChild()).addMetadata("cfn-lint", Map.of("config", Map.of("ignore_checks", List.of("W3005"))));
                logGroups.add(functionLogs);
                scope.getConfig().grantRead(fn);
                scope.getMonitoring().monitorLambda(fn);
            }
            scope.getConfig().addParameter("log-level",
                scope.getTier().getName().equals(EnvironmentTier.DEV.getName()) ? "debug" : "info",
                ParameterOptions.builder().description("How much the application logs").build());

            // Servers of each kind the cost scheduler handles, sized by the tier from production's bounds.
            final TierCapacity capacity = TierCapacity.of(scope.getProfile(),
                ProductionCapacity.builder().minCapacity(2).maxCapacity(8).build());
            final InstanceType instanceType = new InstanceType("t4g.micro");
            final IMachineImage machineImage = MachineImage.latestAmazonLinux2023(
                AmazonLinux2023ImageSsmParameterProps.builder().cpuType(AmazonLinuxCpuType.ARM_64).build());
            final SubnetSelection applicationSubnets = SubnetSelection.builder().subnetGroupName("Private").build();
            final Instance reports = Instance.Builder.create(this, "Reports")
                .vpc(scope.getVpc())
                .vpcSubnets(applicationSubnets)
                .instanceType(instanceType)
                .machineImage(machineImage)
                .securityGroup(scope.getApplicationSecurityGroup())
                .requireImdsv2(true)
                .build();
            suppressGuard(reports,
                "A stateless reporting instance, rebuilt from its image by CloudFormation: basic five-minute metrics and no termination protection are enough; it runs in a private subnet, which assigns no public address, on a t4g instance, which has no Nitro in-transit encryption",
                "ec2_instance_detailed_monitoring_enabled_check", "ec2_instance_no_public_ip_check", "ec2_instance_nitro_encryption_in_transit_check");
            // Runs in working hours only where the environment has an off-hours schedule.
            Tags.of(reports).add("Schedule", "office-hours");
            final DatabaseInstance database = DatabaseInstance.Builder.create(this, "Database")
                .engine(DatabaseInstanceEngine.postgres(
                    PostgresInstanceEngineProps.builder().version(PostgresEngineVersion.VER_17_9).build()))
                .instanceType(instanceType)
                .vpc(scope.getVpc())
                .vpcSubnets(SubnetSelection.builder().subnetGroupName("Data").build())
                .securityGroups(List.of(scope.getDataSecurityGroup()))
                .credentials(Credentials.fromGeneratedSecret("shop",
                    CredentialsBaseOptions.builder().encryptionKey(scope.getKey()).build()))
                .storageEncryptionKey(scope.getKey())
                .multiAz(scope.getProfile().getProduction())
                .deletionProtection(scope.getProfile().getProduction())
                .removalPolicy(scope.getProfile().getRemovalPolicy())
                .cloudwatchLogsExports(List.of("postgresql", "upgrade"))
                .build();
            Annotations.of(database).acknowledgeWarning("cdk-multi-env:productionDataRetained",
                "In production the library retains the database's generated secret, as it does the database: the secret is what opens the retained data");
            suppressGuard(database,
                "PostgreSQL listens on its default port in the data subnets, reachable from the application security group only",
                "rds_instance_no_default_ports_check");
            suppressGuard(database,
                "The application signs in with the generated password in Secrets Manager; IAM database authentication is not used",
                "rds_instance_iam_authentication_enabled_check");
            suppressGuard(database, "Encrypted with the environment key, which the foundation stack exports: guard cannot resolve a key given as Fn::ImportValue", "rds_storage_encrypted_kms_key_check");
            suppressGuard(database, "The postgresql and upgrade logs are exported to CloudWatch Logs (EnableCloudwatchLogsExports)",
                "rds_instance_logging_enabled_check");
            suppressGuard(database,
                "Backups are the tier's: AWS Backup plans where the tier keeps backups (BackupPolicy), RDS's one-day default elsewhere",
                "rds_instance_backup_enabled_check");
            suppressGuard(database,
                "Database load shows in its CloudWatch metrics and exported logs; enhanced monitoring's OS metrics are not needed for this application",
                "rds_instance_enhanced_monitoring_enabled_check");
            if (!scope.getProfile().getProduction()) {
                suppressGuard(database, scope.getTier().getName()
                        + " is not a production tier: one availability zone and no deletion protection, as its profile decides; its data is recreated by the pipeline",
                    "rds_instance_multi_az_support_check", "rds_instance_deletion_protection_enabled_check");
            }
            // Staging, Prod and Hotfix back it up (Prod also copies, locks and restore-tests it).
            if (scope.getBackupPolicy() != null) {
                scope.getBackupPolicy().addResource(database);
            }
            final AutoScalingGroup workers = AutoScalingGroup.Builder.create(this, "Workers")
                .vpc(scope.getVpc())
                .vpcSubnets(applicationSubnets)
                .launchTemplate(LaunchTemplate.Builder.create(this, "WorkerTemplate")
                    .instanceType(instanceType)
                    .machineImage(machineImage)
                    .securityGroup(scope.getApplicationSecurityGroup())
                    .requireImdsv2(true)
                    .build())
                .build();
            capacity.applyToAutoScalingGroup(workers);
            suppressGuard(workers,
                "One instance type keeps the example small; the group spans the private subnets of every zone the environment has",
                "autoscaling_multiple_az_check", "autoscaling_mixed_instances_policy_multiple_instance_types_check");
            final FargateTaskDefinition task = FargateTaskDefinition.Builder.create(this, "WebTask")
                .cpu(256)
                .memoryLimitMiB(512)
                .runtimePlatform(RuntimePlatform.builder()
                    .cpuArchitecture(CpuArchitecture.ARM64)
                    .operatingSystemFamily(OperatingSystemFamily.LINUX)
                    .build())
                .build();
            final LogGroup webLogs = LogGroup.Builder.create(this, "WebLogs")
                .retention(scope.getProfile().getLogRetention())
                .encryptionKey(scope.getKey())
                .build();
            logGroups.add(webLogs);
            task.addContainer("web", ContainerDefinitionOptions.builder()
                .image(ContainerImage.fromRegistry("public.ecr.aws/nginx/nginx:stable"))
                .portMappings(List.of(PortMapping.builder().containerPort(80).build()))
                .logging(LogDrivers.awsLogs(AwsLogDriverProps.builder().streamPrefix("web").logGroup(webLogs).build()))
                .memoryLimitMiB(512)
                .build());
            suppressGuard(task, "nginx's public image runs as root and writes its cache to the container's file system",
                "ecs_task_definition_nonroot_user_check", "ecs_containers_readonly_access_check");
            final Cluster cluster = Cluster.Builder.create(this, "Cluster").vpc(scope.getVpc()).build();
            suppressGuard(cluster,
                "One small service: its CPU and memory show in the ECS service metrics; Container Insights would add a cost per container",
                "ecs_container_insights_enabled_check");
            final FargateService web = FargateService.Builder.create(this, "Web")
                .cluster(cluster)
                .taskDefinition(task)
                .vpcSubnets(applicationSubnets)
                .securityGroups(List.of(scope.getApplicationSecurityGroup()))
                .circuitBreaker(DeploymentCircuitBreaker.builder().rollback(true).build())
                .minHealthyPercent(100)
                .build();
            capacity.applyToEcsService(web);
            for (final LogGroup group : logGroups) {
                suppressGuard(group, "Encrypted with the environment key, which the foundation stack exports: guard cannot resolve a key given as Fn::ImportValue", "cloudwatch_log_group_encrypted_check");
                if (!scope.getProfile().getProduction()) {
                    suppressGuard(group, "Kept for the retention of the " + scope.getTier().getName()
                            + " tier, as its profile decides; production keeps logs for a year",
                        "cloudwatch_log_group_retention_period_check");
                }
            }

            // Dev, QA and Demo: everything above sleeps outside working hours.
            final CostScheduler scheduler = scope.getCostScheduler();
            if (scheduler != null) {
                scheduler.addDatabaseInstance(database);
                scheduler.addAutoScalingGroup(workers, capacity.getWorkingCapacity());
                scheduler.addEcsService(web, capacity.getWorkingCapacity());
            }
        }
    }

    public static void main(final String[] args) {
        final App app = new App(AppProps.builder().outdir(System.getenv("CDK_OUTDIR")).build());
        final List<IsolatedEnvironment> environments = new ArrayList<>();
        for (final ReferenceEnvironment e : REFERENCE_ENVIRONMENTS) {
            final IsolatedEnvironment environment = IsolatedEnvironment.Builder.create(app, e.id())
                .tier(e.tier())
                .appName(APP_NAME)
                .environmentName(e.environmentName())
                .account(e.account())
                .region(e.region())
                .toolingAccount(TOOLING_ACCOUNT)
                .cidr(e.cidr())
                .availabilityZones(e.region().equals(REGION) ? AVAILABILITY_ZONES
                    : List.of(e.region() + "a", e.region() + "b", e.region() + "c"))
                .tags(Map.of("CostCenter", "shop-platform"))
                .budget(BudgetOptions.builder()
                    .monthlyLimitUsd(e.monthlyBudgetUsd())
                    .emails(List.of("shop-platform@example.com"))
                    .build())
                .build();
            // Dev, QA and Demo: the instances the team tags run in working hours only.
            if (environment.getCostScheduler() != null) {
                environment.getCostScheduler().addInstancesByTag("Schedule", "office-hours");
            }
            // The workload uses the foundation's VPC, key and configuration: those references deploy the foundation first.
            new WorkloadStack(environment, "Workload");
            environments.add(environment);
        }

        final Stack tooling = new Stack(app, "Tooling", StackProps.builder()
            .env(Environment.builder().account(TOOLING_ACCOUNT).region(REGION).build())
            .description(APP_NAME + ": the delivery pipeline and its hotfix lane")
            .suppressTemplateIndentation(true)
            .build());
        final MultiEnvPipeline pipeline = MultiEnvPipeline.Builder.create(tooling, "Delivery")
            .source(PipelineSource.connection("acme/shop", ConnectionSourceOptions.builder()
                .connectionArn("arn:aws:codeconnections:" + REGION + ":" + TOOLING_ACCOUNT
                    + ":connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d")
                .build()))
            .tests(REFERENCE_TESTS)
            .dataSeed(PipelineCommands.builder().commands(List.of("./scripts/seed-demo-data.sh")).build())
            .build();
        final IRole releaseManagers = Role.fromRoleName(tooling, "ReleaseManagers", APP_NAME + "-release-managers");
        final IRole onCall = Role.fromRoleName(tooling, "OnCall", APP_NAME + "-on-call");
        // Each tier as one step of the pipeline: a wave where it has several environments. Production's
        // first environment is the pilot: deployed, tested and baked before the others.
        final List<String> tiers = environments.stream().map(e -> e.getTier().getName()).distinct().toList();
        for (final String tier : tiers) {
            final List<IsolatedEnvironment> ofTier = environments.stream().filter(e -> e.getTier().getName().equals(tier)).toList();
            final AddWaveOptions.Builder options = AddWaveOptions.builder();
            if (tier.equals(EnvironmentTier.PROD.getName())) {
                options.approvers(List.of(releaseManagers)).bakeAlarmNames(List.of(APP_NAME + "-" + tier + "-errors"));
            } else if (tier.equals(EnvironmentTier.HOTFIX.getName())) {
                options.approvers(List.of(onCall));
            }
            if (ofTier.size() == 1) {
                pipeline.addEnvironment(ofTier.get(0), options.build());
            } else {
                if (ofTier.get(0).getTier().getProfile().getProduction()) {
                    options.pilot(List.of(ofTier.get(0)));
                }
                pipeline.addWave(ofTier.get(0).getNode().getId() + "-wave", ofTier, options.build());
            }
        }
        // Every feature branch gets a copy of Dev, four at most, gone a week after its last push.
        final IsolatedEnvironment dev = environments.stream()
            .filter(e -> e.getTier().getName().equals(EnvironmentTier.DEV.getName()))
            .findFirst().orElseThrow();
        pipeline.addFeatureEnvironments(dev, FeatureEnvironmentOptions.builder().maxEnvironments(4).featureAccount(FEATURE_ACCOUNT).build());
        app.synth();
    }

    private ReferenceApp() {}
}
