package io.github.cdkmultienv.reference;

import io.github.cdkmultienv.EnvironmentTier;
import io.github.cdkmultienv.TierProfile;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The reference app of examples/reference-app.ts, written in Java as a user of the Maven package
 * would write it. test/bindings/run.sh checks that its templates are identical to TypeScript's.
 */
public final class ReferenceApp {
    /** One environment of the reference setup: a tier in its own account. */
    record ReferenceEnvironment(EnvironmentTier tier, String account, String region) {}

    /** Six environments, each in its own account (placeholder account ids). */
    static final List<ReferenceEnvironment> REFERENCE_ENVIRONMENTS = List.of(
        new ReferenceEnvironment(EnvironmentTier.DEV, "111111111111", "eu-west-1"),
        new ReferenceEnvironment(EnvironmentTier.QA, "222222222222", "eu-west-1"),
        new ReferenceEnvironment(EnvironmentTier.STAGING, "333333333333", "eu-west-1"),
        new ReferenceEnvironment(EnvironmentTier.PROD, "444444444444", "eu-west-1"),
        new ReferenceEnvironment(EnvironmentTier.DEMO, "555555555555", "eu-west-1"),
        new ReferenceEnvironment(EnvironmentTier.HOTFIX, "666666666666", "eu-west-1"));

    /** A workload stack whose settings come from its tier's profile. */
    static final class WorkloadStack extends Stack {
        WorkloadStack(final Construct scope, final String id, final ReferenceEnvironment environment) {
            super(scope, id, StackProps.builder()
                .env(Environment.builder().account(environment.account()).region(environment.region()).build())
                .stackName("reference-" + environment.tier().getName() + "-workload")
                .description("cdk-multi-env reference app: the " + environment.tier().getName() + " environment's workload")
                .terminationProtection(environment.tier().getProfile().getTerminationProtection())
                .build());
            final String name = environment.tier().getName();
            final TierProfile profile = environment.tier().getProfile();
            Tags.of(this).add("Environment", name);
            Tags.of(this).add("Tier", name);

            LogGroup.Builder.create(this, "ApplicationLogs")
                .logGroupName("/reference/" + name + "/application")
                .retention(profile.getLogRetention())
                .build();
        }
    }

    public static void main(final String[] args) {
        final App app = new App(AppProps.builder().outdir(System.getenv("CDK_OUTDIR")).build());
        for (final ReferenceEnvironment environment : REFERENCE_ENVIRONMENTS) {
            new WorkloadStack(app, "Reference-" + environment.tier().getName(), environment);
        }
        app.synth();
    }

    private ReferenceApp() {}
}
