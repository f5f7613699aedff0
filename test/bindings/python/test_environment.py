"""IsolatedEnvironment as a Python user meets it: keyword props, the config API, and isolation
errors that reach Python with the library's message."""
import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam

from cdk_multi_env import EnvironmentTier, IsolatedEnvironment


def make(app, id, tier, account, cidr, **extra):
    return IsolatedEnvironment(
        app, id, tier=tier, app_name="shop", account=account, region="eu-west-1",
        tooling_account="999999999999", cidr=cidr,
        availability_zones=["eu-west-1a", "eu-west-1b", "eu-west-1c"], **extra,
    )


def test_environment_exposes_its_parts_and_config():
    app = cdk.App()
    dev = make(app, "Dev", EnvironmentTier.DEV, "111111111111", "10.10.0.0/16")
    assert dev.environment_name == "dev"
    assert dev.profile.nat_gateways == 0
    assert dev.developer_role is not None
    assert dev.break_glass_role is None
    assert dev.config.parameter_name("log-level") == "/shop/dev/log-level"
    workload = cdk.Stack(dev, "Workload")
    role = iam.Role(workload, "AppRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    dev.config.grant_read(role)
    dev.config.add_secret("database/password")


def test_overlapping_ranges_raise_naming_both_environments():
    app = cdk.App()
    make(app, "Dev", EnvironmentTier.DEV, "111111111111", "10.10.0.0/16")
    with pytest.raises(Exception, match=r"IsolatedEnvironment 'qa': cidr 10.10.0.0/17 overlaps environment 'dev' \(10.10.0.0/16\)"):
        make(app, "QA", EnvironmentTier.QA, "222222222222", "10.10.0.0/17")
