// The reference app of examples/reference-app.ts, written in Go as a user of the Go module would
// write it. test/bindings/run.sh checks that its templates are identical to TypeScript's.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsautoscaling"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-multi-env/cdk-multi-env-go/cdkmultienv"
)

const (
	appName        = "shop"
	region         = "eu-west-1"
	toolingAccount = "999999999999"
	featureAccount = "777777777777"
)

var availabilityZones = []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}

// examples is the examples folder, for the functions' code; the consumer app runs from
// test/bindings/go, as the Java one runs from test/bindings/java.
func examples() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "..", "..", "..", "examples")
}

// referenceEnvironment is one environment of the reference setup: a tier in its own account, with
// its own VPC range.
type referenceEnvironment struct {
	id               string
	tier             cdkmultienv.EnvironmentTier
	account          string
	cidr             string
	monthlyBudgetUsd float64
	region           string
	environmentName  *string // nil: named after its tier
}

// referenceEnvironments are seven environments: one per tier, each in its own account (placeholder
// account ids), VPC range and monthly budget (USD), and a second production environment in
// us-east-1 (production's account), which the pipeline deploys after the first, as a production wave.
func referenceEnvironments() []referenceEnvironment {
	return []referenceEnvironment{
		{"Dev", cdkmultienv.EnvironmentTier_DEV(), "111111111111", "10.10.0.0/16", 100, region, nil},
		{"QA", cdkmultienv.EnvironmentTier_QA(), "222222222222", "10.20.0.0/16", 200, region, nil},
		{"Staging", cdkmultienv.EnvironmentTier_STAGING(), "333333333333", "10.30.0.0/16", 400, region, nil},
		{"Prod", cdkmultienv.EnvironmentTier_PROD(), "444444444444", "10.40.0.0/16", 1500, region, nil},
		{"Prod-us-east-1", cdkmultienv.EnvironmentTier_PROD(), "444444444444", "10.41.0.0/16", 1500, "us-east-1", jsii.String("prod-us-east-1")},
		{"Demo", cdkmultienv.EnvironmentTier_DEMO(), "555555555555", "10.50.0.0/16", 100, region, nil},
		{"Hotfix", cdkmultienv.EnvironmentTier_HOTFIX(), "666666666666", "10.60.0.0/16", 100, region, nil},
	}
}

var referenceTests = []*cdkmultienv.PipelineTest{
	{Kind: cdkmultienv.TestKind_UNIT, Commands: jsii.Strings("npm test")},
	{Kind: cdkmultienv.TestKind_SMOKE, Commands: jsii.Strings("./scripts/smoke-test.sh")},
	{Kind: cdkmultienv.TestKind_INTEGRATION, Commands: jsii.Strings("npm run test:integration")},
	{Kind: cdkmultienv.TestKind_PERFORMANCE, Commands: jsii.Strings("npm run test:performance")},
	{Kind: cdkmultienv.TestKind_DATA_MIGRATION, Commands: jsii.Strings("./scripts/rehearse-migration.sh")},
	{Kind: cdkmultienv.TestKind_LOAD, Commands: jsii.Strings("npm run test:load")},
	{Kind: cdkmultienv.TestKind_SECURITY, Commands: jsii.Strings("./scripts/security-scan.sh")},
}

// suppressGuard suppresses CloudFormation Guard rules on the resource of a construct, with the
// reason, in its template.
func suppressGuard(scope constructs.IConstruct, reason string, rules ...string) {
	resource := scope.Node().DefaultChild().(awscdk.CfnResource)
	cdkmultienv.GuardSuppressions_Suppress(resource, &reason, *jsii.Strings(rules...)...)
}

// isTier says whether a tier is the built-in one given; tiers are compared by name, as in Python and Java.
func isTier(tier cdkmultienv.EnvironmentTier, builtIn cdkmultienv.EnvironmentTier) bool {
	return *tier.Name() == *builtIn.Name()
}

// newWorkloadStack is the team's workload, written once and right-sized by each environment's profile.
func newWorkloadStack(scope cdkmultienv.IsolatedEnvironment, id string) awscdk.Stack {
	environmentName := *scope.EnvironmentName()
	tier := *scope.Tier().Name()
	profile := scope.Profile()
	stack := awscdk.NewStack(scope, &id, &awscdk.StackProps{
		Description: jsii.String(fmt.Sprintf("%s %s: the application", appName, environmentName)),
	})
	logGroup := awslogs.NewLogGroup(stack, jsii.String("ApplicationLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(fmt.Sprintf("/%s/%s/application", appName, environmentName)),
		Retention:     profile.LogRetention,
		EncryptionKey: scope.Key(),
	})
	logGroups := []awslogs.LogGroup{logGroup}
	// The alarm production's bake period watches after each deploy.
	errors := logGroup.AddMetricFilter(jsii.String("Errors"), &awslogs.MetricFilterOptions{
		FilterPattern:   awslogs.FilterPattern_Literal(jsii.String("ERROR")),
		MetricNamespace: jsii.String(appName),
		MetricName:      jsii.String(environmentName + "-errors"),
	}).Metric(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: awscdk.Duration_Minutes(jsii.Number(1))})
	errorsAlarm := awscloudwatch.NewAlarm(stack, jsii.String("ErrorsAlarm"), &awscloudwatch.AlarmProps{
		// Named after the tier, so that a production wave watches the alarm of the same name in each of its regions.
		AlarmName:         jsii.String(fmt.Sprintf("%s-%s-errors", appName, tier)),
		Metric:            errors,
		Threshold:         jsii.Number(5),
		EvaluationPeriods: jsii.Number(1),
		TreatMissingData:  awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	// On the environment's dashboard, acting as the tier says (Prod pages, Dev records).
	scope.Monitoring().AddAlarm(errorsAlarm)
	// Two functions: two file assets, which each environment's deploy build publishes.
	for _, function := range []struct{ id, directory string }{{"Api", "api"}, {"Worker", "worker"}} {
		functionLogs := awslogs.NewLogGroup(stack, jsii.String(function.id+"Logs"), &awslogs.LogGroupProps{
			Retention:     profile.LogRetention,
			EncryptionKey: scope.Key(),
		})
		// A role of its own that may write to its own log group only.
		role := awsiam.NewRole(stack, jsii.String(function.id+"Role"), &awsiam.RoleProps{
			AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		})
		functionLogs.GrantWrite(role)
		fn := awslambda.NewFunction(stack, jsii.String(function.id+"Function"), &awslambda.FunctionProps{
			Runtime:  awslambda.Runtime_NODEJS_24_X(),
			Handler:  jsii.String("index.handler"),
			Code:     awslambda.Code_FromAsset(jsii.String(filepath.Join(examples(), "functions", function.directory)), nil),
			Role:     role,
			LogGroup: functionLogs,
		})
		suppressGuard(fn,
			"The function calls AWS APIs only (SSM and Secrets Manager, through its role) and reaches no resource in the VPC; "+
				"in a VPC it would need a NAT gateway or interface endpoints, which Dev has not",
			"lambda_inside_vpc_check")
		// aws-cdk-lib's Function depends on its role and the role's policy: the role entry repeats what the GetAtt of its ARN orders.
		fn.Node().DefaultChild().(awscdk.CfnResource).AddMetadata(jsii.String("cfn-lint"), map[string]interface{}{
			"config": map[string]interface{}{"ignore_checks": jsii.Strings("W3005")},
		})
		logGroups = append(logGroups, functionLogs)
		scope.Config().GrantRead(fn)
		scope.Monitoring().MonitorLambda(fn, nil)
	}
	logLevel := "info"
	if isTier(scope.Tier(), cdkmultienv.EnvironmentTier_DEV()) {
		logLevel = "debug"
	}
	scope.Config().AddParameter(jsii.String("log-level"), &logLevel, &cdkmultienv.ParameterOptions{
		Description: jsii.String("How much the application logs"),
	})

	// Servers of each kind the cost scheduler handles, sized by the tier from production's bounds.
	capacity := cdkmultienv.TierCapacity_Of(scope.Profile(), &cdkmultienv.ProductionCapacity{
		MinCapacity: jsii.Number(2),
		MaxCapacity: jsii.Number(8),
	})
	instanceType := awsec2.NewInstanceType(jsii.String("t4g.micro"))
	machineImage := awsec2.MachineImage_LatestAmazonLinux2023(&awsec2.AmazonLinux2023ImageSsmParameterProps{
		CpuType: awsec2.AmazonLinuxCpuType_ARM_64,
	})
	applicationSubnets := &awsec2.SubnetSelection{SubnetGroupName: jsii.String("Private")}
	reports := awsec2.NewInstance(stack, jsii.String("Reports"), &awsec2.InstanceProps{
		Vpc:           scope.Vpc(),
		VpcSubnets:    applicationSubnets,
		InstanceType:  instanceType,
		MachineImage:  machineImage,
		SecurityGroup: scope.ApplicationSecurityGroup(),
		RequireImdsv2: jsii.Bool(true),
	})
	suppressGuard(reports,
		"A stateless reporting instance, rebuilt from its image by CloudFormation: basic five-minute metrics and no termination protection are enough; it runs in a private subnet, which assigns no public address, on a t4g instance, which has no Nitro in-transit encryption",
		"ec2_instance_detailed_monitoring_enabled_check", "ec2_instance_no_public_ip_check", "ec2_instance_nitro_encryption_in_transit_check")
	// Runs in working hours only where the environment has an off-hours schedule.
	awscdk.Tags_Of(reports).Add(jsii.String("Schedule"), jsii.String("office-hours"), nil)
	database := awsrds.NewDatabaseInstance(stack, jsii.String("Database"), &awsrds.DatabaseInstanceProps{
		Engine:         awsrds.DatabaseInstanceEngine_Postgres(&awsrds.PostgresInstanceEngineProps{Version: awsrds.PostgresEngineVersion_VER_17_9()}),
		InstanceType:   instanceType,
		Vpc:            scope.Vpc(),
		VpcSubnets:     &awsec2.SubnetSelection{SubnetGroupName: jsii.String("Data")},
		SecurityGroups: &[]awsec2.ISecurityGroup{scope.DataSecurityGroup()},
		Credentials: awsrds.Credentials_FromGeneratedSecret(jsii.String("shop"), &awsrds.CredentialsBaseOptions{
			EncryptionKey: scope.Key(),
		}),
		StorageEncryptionKey:  scope.Key(),
		MultiAz:               profile.Production,
		DeletionProtection:    profile.Production,
		RemovalPolicy:         profile.RemovalPolicy,
		CloudwatchLogsExports: jsii.Strings("postgresql", "upgrade"),
	})
	awscdk.Annotations_Of(database).AcknowledgeWarning(jsii.String("cdk-multi-env:productionDataRetained"),
		jsii.String("In production the library retains the database's generated secret, as it does the database: the secret is what opens the retained data"))
	suppressGuard(database,
		"PostgreSQL listens on its default port in the data subnets, reachable from the application security group only",
		"rds_instance_no_default_ports_check")
	suppressGuard(database,
		"The application signs in with the generated password in Secrets Manager; IAM database authentication is not used",
		"rds_instance_iam_authentication_enabled_check")
	suppressGuard(database, "Encrypted with the environment key, which the foundation stack exports: guard cannot resolve a key given as Fn::ImportValue", "rds_storage_encrypted_kms_key_check")
	suppressGuard(database, "The postgresql and upgrade logs are exported to CloudWatch Logs (EnableCloudwatchLogsExports)",
		"rds_instance_logging_enabled_check")
	suppressGuard(database,
		"Backups are the tier's: AWS Backup plans where the tier keeps backups (BackupPolicy), RDS's one-day default elsewhere",
		"rds_instance_backup_enabled_check")
	suppressGuard(database,
		"Database load shows in its CloudWatch metrics and exported logs; enhanced monitoring's OS metrics are not needed for this application",
		"rds_instance_enhanced_monitoring_enabled_check")
	if !*profile.Production {
		suppressGuard(database,
			tier+" is not a production tier: one availability zone and no deletion protection, as its profile decides; its data is recreated by the pipeline",
			"rds_instance_multi_az_support_check", "rds_instance_deletion_protection_enabled_check")
	}
	// Staging, Prod and Hotfix back it up (Prod also copies, locks and restore-tests it).
	if backupPolicy := scope.BackupPolicy(); backupPolicy != nil {
		backupPolicy.AddResource(database)
	}
	workers := awsautoscaling.NewAutoScalingGroup(stack, jsii.String("Workers"), &awsautoscaling.AutoScalingGroupProps{
		Vpc:        scope.Vpc(),
		VpcSubnets: applicationSubnets,
		LaunchTemplate: awsec2.NewLaunchTemplate(stack, jsii.String("WorkerTemplate"), &awsec2.LaunchTemplateProps{
			InstanceType:  instanceType,
			MachineImage:  machineImage,
			SecurityGroup: scope.ApplicationSecurityGroup(),
			RequireImdsv2: jsii.Bool(true),
		}),
	})
	capacity.ApplyToAutoScalingGroup(workers)
	suppressGuard(workers,
		"One instance type keeps the example small; the group spans the private subnets of every zone the environment has",
		"autoscaling_multiple_az_check", "autoscaling_mixed_instances_policy_multiple_instance_types_check")
	task := awsecs.NewFargateTaskDefinition(stack, jsii.String("WebTask"), &awsecs.FargateTaskDefinitionProps{
		Cpu:            jsii.Number(256),
		MemoryLimitMiB: jsii.Number(512),
		RuntimePlatform: &awsecs.RuntimePlatform{
			CpuArchitecture:       awsecs.CpuArchitecture_ARM64(),
			OperatingSystemFamily: awsecs.OperatingSystemFamily_LINUX(),
		},
	})
	webLogs := awslogs.NewLogGroup(stack, jsii.String("WebLogs"), &awslogs.LogGroupProps{
		Retention:     profile.LogRetention,
		EncryptionKey: scope.Key(),
	})
	logGroups = append(logGroups, webLogs)
	task.AddContainer(jsii.String("web"), &awsecs.ContainerDefinitionOptions{
		Image:          awsecs.ContainerImage_FromRegistry(jsii.String("public.ecr.aws/nginx/nginx:stable"), nil),
		PortMappings:   &[]*awsecs.PortMapping{{ContainerPort: jsii.Number(80)}},
		Logging:        awsecs.LogDrivers_AwsLogs(&awsecs.AwsLogDriverProps{StreamPrefix: jsii.String("web"), LogGroup: webLogs}),
		MemoryLimitMiB: jsii.Number(512),
	})
	suppressGuard(task, "nginx's public image runs as root and writes its cache to the container's file system",
		"ecs_task_definition_nonroot_user_check", "ecs_containers_readonly_access_check")
	cluster := awsecs.NewCluster(stack, jsii.String("Cluster"), &awsecs.ClusterProps{Vpc: scope.Vpc()})
	suppressGuard(cluster,
		"One small service: its CPU and memory show in the ECS service metrics; Container Insights would add a cost per container",
		"ecs_container_insights_enabled_check")
	web := awsecs.NewFargateService(stack, jsii.String("Web"), &awsecs.FargateServiceProps{
		Cluster:           cluster,
		TaskDefinition:    task,
		VpcSubnets:        applicationSubnets,
		SecurityGroups:    &[]awsec2.ISecurityGroup{scope.ApplicationSecurityGroup()},
		CircuitBreaker:    &awsecs.DeploymentCircuitBreaker{Rollback: jsii.Bool(true)},
		MinHealthyPercent: jsii.Number(100),
	})
	capacity.ApplyToEcsService(web)
	for _, group := range logGroups {
		suppressGuard(group, "Encrypted with the environment key, which the foundation stack exports: guard cannot resolve a key given as Fn::ImportValue", "cloudwatch_log_group_encrypted_check")
		if !*profile.Production {
			suppressGuard(group,
				"Kept for the retention of the "+tier+" tier, as its profile decides; production keeps logs for a year",
				"cloudwatch_log_group_retention_period_check")
		}
	}

	// Dev, QA and Demo: everything above sleeps outside working hours.
	if scheduler := scope.CostScheduler(); scheduler != nil {
		scheduler.AddDatabaseInstance(database)
		working := capacity.WorkingCapacity()
		// Go structs do not extend one another: the group takes the fields of the service's capacity it knows.
		scheduler.AddAutoScalingGroup(workers, &cdkmultienv.WorkingCapacity{
			MinCapacity:     working.MinCapacity,
			MaxCapacity:     working.MaxCapacity,
			DesiredCapacity: working.DesiredCapacity,
		})
		scheduler.AddEcsService(web, working)
	}
	return stack
}

func main() {
	// Stops the jsii runtime's node process when the app is done.
	defer jsii.Close()

	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(os.Getenv("CDK_OUTDIR"))})
	var environments []cdkmultienv.IsolatedEnvironment
	for _, e := range referenceEnvironments() {
		zones := availabilityZones
		if e.region != region {
			zones = []string{e.region + "a", e.region + "b", e.region + "c"}
		}
		environment := cdkmultienv.NewIsolatedEnvironment(app, &e.id, &cdkmultienv.IsolatedEnvironmentProps{
			Tier:              e.tier,
			AppName:           jsii.String(appName),
			EnvironmentName:   e.environmentName,
			Account:           &e.account,
			Region:            &e.region,
			ToolingAccount:    jsii.String(toolingAccount),
			Cidr:              &e.cidr,
			AvailabilityZones: jsii.Strings(zones...),
			Tags:              &map[string]*string{"CostCenter": jsii.String("shop-platform")},
			Budget: &cdkmultienv.BudgetOptions{
				MonthlyLimitUsd: &e.monthlyBudgetUsd,
				Emails:          jsii.Strings("shop-platform@example.com"),
			},
		})
		// Dev, QA and Demo: the instances the team tags run in working hours only.
		if scheduler := environment.CostScheduler(); scheduler != nil {
			scheduler.AddInstancesByTag(jsii.String("Schedule"), jsii.String("office-hours"))
		}
		// The workload uses the foundation's VPC, key and configuration: those references deploy the foundation first.
		newWorkloadStack(environment, "Workload")
		environments = append(environments, environment)
	}

	tooling := awscdk.NewStack(app, jsii.String("Tooling"), &awscdk.StackProps{
		Env:                         &awscdk.Environment{Account: jsii.String(toolingAccount), Region: jsii.String(region)},
		Description:                 jsii.String(appName + ": the delivery pipeline and its hotfix lane"),
		SuppressTemplateIndentation: jsii.Bool(true),
	})
	pipeline := cdkmultienv.NewMultiEnvPipeline(tooling, jsii.String("Delivery"), &cdkmultienv.MultiEnvPipelineProps{
		Source: cdkmultienv.PipelineSource_Connection(jsii.String("acme/shop"), &cdkmultienv.ConnectionSourceOptions{
			ConnectionArn: jsii.String(fmt.Sprintf("arn:aws:codeconnections:%s:%s:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", region, toolingAccount)),
		}),
		Tests:    &referenceTests,
		DataSeed: &cdkmultienv.PipelineCommands{Commands: jsii.Strings("./scripts/seed-demo-data.sh")},
	})
	releaseManagers := awsiam.Role_FromRoleName(tooling, jsii.String("ReleaseManagers"), jsii.String(appName+"-release-managers"), nil)
	onCall := awsiam.Role_FromRoleName(tooling, jsii.String("OnCall"), jsii.String(appName+"-on-call"), nil)
	// The environments of each tier, tiers in the order their first environment comes.
	var tiers []string
	ofTier := map[string][]cdkmultienv.IsolatedEnvironment{}
	for _, environment := range environments {
		tier := *environment.Tier().Name()
		if _, seen := ofTier[tier]; !seen {
			tiers = append(tiers, tier)
		}
		ofTier[tier] = append(ofTier[tier], environment)
	}
	// Each tier as one step of the pipeline: a wave where it has several environments. Production's
	// first environment is the pilot: deployed, tested and baked before the others.
	for _, tier := range tiers {
		inTier := ofTier[tier]
		options := cdkmultienv.AddEnvironmentOptions{}
		switch {
		case isTier(inTier[0].Tier(), cdkmultienv.EnvironmentTier_PROD()):
			options.Approvers = &[]awsiam.IGrantable{releaseManagers}
			options.BakeAlarmNames = jsii.Strings(fmt.Sprintf("%s-%s-errors", appName, tier))
		case isTier(inTier[0].Tier(), cdkmultienv.EnvironmentTier_HOTFIX()):
			options.Approvers = &[]awsiam.IGrantable{onCall}
		}
		if len(inTier) == 1 {
			pipeline.AddEnvironment(inTier[0], &options)
			continue
		}
		// Go structs do not extend one another: a wave's options repeat the environment's, with the pilot.
		wave := cdkmultienv.AddWaveOptions{Approvers: options.Approvers, BakeAlarmNames: options.BakeAlarmNames}
		if *inTier[0].Tier().Profile().Production {
			wave.Pilot = &[]cdkmultienv.IsolatedEnvironment{inTier[0]}
		}
		pipeline.AddWave(jsii.String(*inTier[0].Node().Id()+"-wave"), &inTier, &wave)
	}
	// Every feature branch gets a copy of Dev, four at most, gone a week after its last push.
	dev := ofTier[*cdkmultienv.EnvironmentTier_DEV().Name()][0]
	pipeline.AddFeatureEnvironments(dev, &cdkmultienv.FeatureEnvironmentOptions{MaxEnvironments: jsii.Number(4), FeatureAccount: jsii.String(featureAccount)})
	app.Synth(nil)
}
