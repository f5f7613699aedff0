package io.github.cdkmultienv.reference;

import io.github.cdkmultienv.EnvironmentTier;
import io.github.cdkmultienv.IsolatedEnvironment;
import io.github.cdkmultienv.ParameterOptions;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.logs.LogGroup;

/**
 * The reference app of examples/reference-app.ts, written in Java as a user of the Maven package
 * would write it. test/bindings/run.sh checks that its templates are identical to TypeScript's.
 */
public final class ReferenceApp {
    static final String APP_NAME = "shop";
    static final String REGION = "eu-west-1";
    static final String TOOLING_ACCOUNT = "999999999999";
    static final List<String> AVAILABILITY_ZONES = List.of("eu-west-1a", "eu-west-1b", "eu-west-1c");

    /** One environment of the reference setup: a tier in its own account, with its own VPC range. */
    record ReferenceEnvironment(String id, EnvironmentTier tier, String account, String cidr) {}

    /** Six environments, each in its own account (placeholder account ids) and VPC range. */
    static final List<ReferenceEnvironment> REFERENCE_ENVIRONMENTS = List.of(
        new ReferenceEnvironment("Dev", EnvironmentTier.DEV, "111111111111", "10.10.0.0/16"),
        new ReferenceEnvironment("QA", EnvironmentTier.QA, "222222222222", "10.20.0.0/16"),
        new ReferenceEnvironment("Staging", EnvironmentTier.STAGING, "333333333333", "10.30.0.0/16"),
        new ReferenceEnvironment("Prod", EnvironmentTier.PROD, "444444444444", "10.40.0.0/16"),
        new ReferenceEnvironment("Demo", EnvironmentTier.DEMO, "555555555555", "10.50.0.0/16"),
        new ReferenceEnvironment("Hotfix", EnvironmentTier.HOTFIX, "666666666666", "10.60.0.0/16"));

    /** The team's workload, written once and right-sized by each environment's profile. */
    static final class WorkloadStack extends Stack {
        WorkloadStack(final IsolatedEnvironment scope, final String id) {
            super(scope, id, StackProps.builder()
                .description(APP_NAME + " " + scope.getEnvironmentName() + ": the application")
                .build());
            LogGroup.Builder.create(this, "ApplicationLogs")
                .logGroupName("/" + APP_NAME + "/" + scope.getEnvironmentName() + "/application")
                .retention(scope.getProfile().getLogRetention())
                .encryptionKey(scope.getKey())
                .build();
            scope.getConfig().addParameter("log-level",
                scope.getTier().getName().equals(EnvironmentTier.DEV.getName()) ? "debug" : "info",
                ParameterOptions.builder().description("How much the application logs").build());
        }
    }

    public static void main(final String[] args) {
        final App app = new App(AppProps.builder().outdir(System.getenv("CDK_OUTDIR")).build());
        for (final ReferenceEnvironment e : REFERENCE_ENVIRONMENTS) {
            final IsolatedEnvironment environment = IsolatedEnvironment.Builder.create(app, e.id())
                .tier(e.tier())
                .appName(APP_NAME)
                .account(e.account())
                .region(REGION)
                .toolingAccount(TOOLING_ACCOUNT)
                .cidr(e.cidr())
                .availabilityZones(AVAILABILITY_ZONES)
                .tags(Map.of("CostCenter", "shop-platform"))
                .build();
            new WorkloadStack(environment, "Workload");
        }
        app.synth();
    }

    private ReferenceApp() {}
}
