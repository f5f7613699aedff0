"""Cost control as a Python user meets it: tier capacity from keyword arguments, a time to live
given as an aws_cdk.Expiration, and a feature copy built from the app's context."""
import datetime

import aws_cdk as cdk
import pytest

from cdk_multi_env import EnvironmentTier, IsolatedEnvironment, TierCapacity


def make(app, id, tier, account, **extra):
    return IsolatedEnvironment(
        app, id, tier=tier, app_name="shop", account=account, region="eu-west-1",
        tooling_account="999999999999", cidr="10.10.0.0/16",
        availability_zones=["eu-west-1a", "eu-west-1b", "eu-west-1c"], **extra,
    )


@pytest.mark.parametrize("tier,expected", [
    (EnvironmentTier.DEV, (1, 1, None)),
    (EnvironmentTier.QA, (2, 2, None)),
    (EnvironmentTier.STAGING, (2, 4, 60)),
    (EnvironmentTier.PROD, (2, 8, 60)),
])
def test_tier_capacity_from_production_bounds(tier, expected):
    capacity = TierCapacity.of(tier.profile, min_capacity=2, max_capacity=8)
    assert (capacity.min_capacity, capacity.max_capacity, capacity.target_cpu_utilization_percent) == expected
    # The morning start restores the minimum.
    assert capacity.working_capacity.desired_capacity == expected[0]


def test_tier_capacity_errors_name_the_field():
    with pytest.raises(Exception, match=r"maxCapacity is 1, less than minCapacity \(3\)"):
        TierCapacity.of(EnvironmentTier.PROD.profile, min_capacity=3, max_capacity=1)


def test_time_to_live_in_production_is_refused():
    expiry = cdk.Expiration.at_date(datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc))
    with pytest.raises(Exception, match=r"timeToLive is set, but tier prod is a production tier"):
        make(cdk.App(), "Prod", EnvironmentTier.PROD, "444444444444", time_to_live=expiry)


def test_feature_copy_is_named_after_the_branch():
    app = cdk.App(context={
        "cdk-multi-env:feature-copy-of": "Dev",
        "cdk-multi-env:feature-branch": "feature/Login-Page",
        "cdk-multi-env:feature-ttl-hours": 168,
    })
    dev = make(app, "Dev", EnvironmentTier.DEV, "111111111111")
    assert dev.feature_branch == "feature/Login-Page"
    assert dev.environment_name.startswith("dev-feature-login-page-")
    assert dev.foundation.stack_name == f"Dev-{dev.environment_name[len('dev-'):]}-Foundation"
