"""The tier model as a Python user meets it: snake_case fields, keyword arguments, and errors that
reach Python as exceptions with the library's message."""
import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs

import cdk_multi_env as multienv
from cdk_multi_env import ApprovalGate, BackupLevel, EnvironmentTier


def test_built_in_profiles_read_in_snake_case():
    prod = EnvironmentTier.PROD.profile
    assert prod.production is True
    assert prod.approval_before_deploy == ApprovalGate.CHANGE_REVIEW
    assert prod.nat_gateways == 3
    assert prod.bake_time.to_minutes() == 30
    assert prod.log_retention == logs.RetentionDays.ONE_YEAR
    assert prod.removal_policy == cdk.RemovalPolicy.RETAIN
    assert prod.backup == BackupLevel.FULL
    assert EnvironmentTier.DEV.profile.nat_gateways == 0
    assert EnvironmentTier.DEV.profile.tests_before_deploy == [multienv.TestKind.UNIT]


def test_built_in_lists_the_six_tiers_in_promotion_order():
    assert [t.name for t in EnvironmentTier.built_in()] == ["dev", "qa", "staging", "prod", "demo", "hotfix"]


def test_custom_tier_takes_keyword_overrides():
    perf = EnvironmentTier.custom(
        name="perf",
        based_on=EnvironmentTier.STAGING,
        approval_before_deploy=ApprovalGate.NONE,
        tests_after_deploy=[multienv.TestKind.PERFORMANCE, multienv.TestKind.LOAD],
    )
    assert perf.name == "perf"
    assert perf.profile.approval_before_deploy == ApprovalGate.NONE
    assert perf.profile.tests_after_deploy == [multienv.TestKind.PERFORMANCE, multienv.TestKind.LOAD]
    assert perf.profile.nat_gateways == EnvironmentTier.STAGING.profile.nat_gateways


def test_contradicting_custom_tier_raises_with_the_field_named():
    with pytest.raises(Exception, match=r"EnvironmentTier.custom 'x': terminationProtection is false; for a production tier"):
        EnvironmentTier.custom(name="x", based_on=EnvironmentTier.PROD, termination_protection=False)
