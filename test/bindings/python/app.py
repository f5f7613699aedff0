"""The reference app of examples/reference-app.ts, written in Python as a user of the PyPI package
would write it. test/bindings/run.sh checks that its templates are identical to TypeScript's."""
import os

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_multi_env import EnvironmentTier

# Six environments, each in its own account (placeholder account ids).
REFERENCE_ENVIRONMENTS = [
    (EnvironmentTier.DEV, "111111111111", "eu-west-1"),
    (EnvironmentTier.QA, "222222222222", "eu-west-1"),
    (EnvironmentTier.STAGING, "333333333333", "eu-west-1"),
    (EnvironmentTier.PROD, "444444444444", "eu-west-1"),
    (EnvironmentTier.DEMO, "555555555555", "eu-west-1"),
    (EnvironmentTier.HOTFIX, "666666666666", "eu-west-1"),
]


class WorkloadStack(cdk.Stack):
    """A workload stack whose settings come from its tier's profile."""

    def __init__(self, scope: Construct, id: str, *, tier: EnvironmentTier, account: str, region: str) -> None:
        profile = tier.profile
        super().__init__(
            scope,
            id,
            env=cdk.Environment(account=account, region=region),
            stack_name=f"reference-{tier.name}-workload",
            description=f"cdk-multi-env reference app: the {tier.name} environment's workload",
            termination_protection=profile.termination_protection,
        )
        cdk.Tags.of(self).add("Environment", tier.name)
        cdk.Tags.of(self).add("Tier", tier.name)

        logs.LogGroup(
            self,
            "ApplicationLogs",
            log_group_name=f"/reference/{tier.name}/application",
            retention=profile.log_retention,
        )


app = cdk.App(outdir=os.environ["CDK_OUTDIR"])
for tier, account, region in REFERENCE_ENVIRONMENTS:
    WorkloadStack(app, f"Reference-{tier.name}", tier=tier, account=account, region=region)
app.synth()
