"""The reference app of examples/reference-app.ts, written in Python as a user of the PyPI package
would write it. test/bindings/run.sh checks that its templates are identical to TypeScript's."""
import os

import aws_cdk as cdk
from aws_cdk import aws_logs as logs

from cdk_multi_env import EnvironmentTier, IsolatedEnvironment

APP_NAME = "shop"
REGION = "eu-west-1"
TOOLING_ACCOUNT = "999999999999"
AVAILABILITY_ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

# Six environments, each in its own account (placeholder account ids) and VPC range.
REFERENCE_ENVIRONMENTS = [
    ("Dev", EnvironmentTier.DEV, "111111111111", "10.10.0.0/16"),
    ("QA", EnvironmentTier.QA, "222222222222", "10.20.0.0/16"),
    ("Staging", EnvironmentTier.STAGING, "333333333333", "10.30.0.0/16"),
    ("Prod", EnvironmentTier.PROD, "444444444444", "10.40.0.0/16"),
    ("Demo", EnvironmentTier.DEMO, "555555555555", "10.50.0.0/16"),
    ("Hotfix", EnvironmentTier.HOTFIX, "666666666666", "10.60.0.0/16"),
]


class WorkloadStack(cdk.Stack):
    """The team's workload, written once and right-sized by each environment's profile."""

    def __init__(self, scope: IsolatedEnvironment, id: str) -> None:
        super().__init__(scope, id, description=f"{APP_NAME} {scope.environment_name}: the application")
        logs.LogGroup(
            self,
            "ApplicationLogs",
            log_group_name=f"/{APP_NAME}/{scope.environment_name}/application",
            retention=scope.profile.log_retention,
            encryption_key=scope.key,
        )
        scope.config.add_parameter(
            "log-level",
            "debug" if scope.tier.name == EnvironmentTier.DEV.name else "info",
            description="How much the application logs",
        )


app = cdk.App(outdir=os.environ["CDK_OUTDIR"])
for id, tier, account, cidr in REFERENCE_ENVIRONMENTS:
    environment = IsolatedEnvironment(
        app,
        id,
        tier=tier,
        app_name=APP_NAME,
        account=account,
        region=REGION,
        tooling_account=TOOLING_ACCOUNT,
        cidr=cidr,
        availability_zones=AVAILABILITY_ZONES,
        tags={"CostCenter": "shop-platform"},
    )
    WorkloadStack(environment, "Workload")
app.synth()
