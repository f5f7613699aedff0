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


def pipeline_with_approvers(app):
    """A tooling stack with a pipeline that has a test of every kind, and the release managers' role."""
    from cdk_multi_env import MultiEnvPipeline, PipelineSource, PipelineTest, TestKind

    tooling = cdk.Stack(app, "Tooling", env=cdk.Environment(account="999999999999", region="eu-west-1"))
    pipeline = MultiEnvPipeline(
        tooling, "Delivery",
        source=PipelineSource.connection(
            "acme/shop",
            connection_arn="arn:aws:codeconnections:eu-west-1:999999999999:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
        ),
        tests=[PipelineTest(kind=kind, commands=["true"]) for kind in TestKind],
    )
    return pipeline, [iam.Role.from_role_name(tooling, "Approvers", "release-managers")]


def test_pipeline_refuses_an_environment_after_production():
    app = cdk.App()
    prod = make(app, "Prod", EnvironmentTier.PROD, "444444444444", "10.40.0.0/16")
    qa = make(app, "QA", EnvironmentTier.QA, "222222222222", "10.20.0.0/16")
    pipeline, approvers = pipeline_with_approvers(app)
    pipeline.add_environment(prod, approvers=approvers, bake_alarm_names=["shop-prod-errors"])
    with pytest.raises(Exception, match=r"environment 'qa' \(tier qa\) is not a production tier but would come after production environment 'prod'"):
        pipeline.add_environment(qa)


def test_pipeline_places_a_production_wave_with_a_pilot_and_refuses_a_wave_mixing_tiers():
    app = cdk.App()
    staging = make(app, "Staging", EnvironmentTier.STAGING, "333333333333", "10.30.0.0/16")
    prod = make(app, "Prod", EnvironmentTier.PROD, "444444444444", "10.40.0.0/16")
    prod_us = IsolatedEnvironment(
        app, "ProdUs", tier=EnvironmentTier.PROD, app_name="shop", environment_name="prod-us", account="444444444444",
        region="us-east-1", tooling_account="999999999999", cidr="10.41.0.0/16",
        availability_zones=["us-east-1a", "us-east-1b", "us-east-1c"],
    )
    pipeline, approvers = pipeline_with_approvers(app)
    with pytest.raises(Exception, match=r"addWave 'Late': environments mixes tiers \('staging' is staging, 'prod' is prod\)"):
        pipeline.add_wave("Late", [staging, prod])
    pipeline.add_wave("Production", [prod, prod_us], pilot=[prod], approvers=approvers, bake_alarm_names=["shop-prod-errors"])
    template = app.synth().get_stack_by_name("Tooling").template
    stages = [s["Name"] for r in template["Resources"].values()
              if r["Type"] == "AWS::CodePipeline::Pipeline" for s in r["Properties"]["Stages"]]
    assert stages[-2:] == ["Prod", "ProdUs"]


def test_off_hours_schedule_reads_well_and_rejects_bad_hours():
    from cdk_multi_env import OffHoursSchedule, WeekDay

    office = OffHoursSchedule.weekdays(start="07:00", stop="18:00", time_zone="Europe/Berlin")
    assert office.hours_per_week == 55
    assert office.days == [WeekDay.MONDAY, WeekDay.TUESDAY, WeekDay.WEDNESDAY, WeekDay.THURSDAY, WeekDay.FRIDAY]
    with pytest.raises(Exception, match=r"OffHoursSchedule: stop is 07:00, not after start \(18:00\)"):
        OffHoursSchedule.weekdays(start="18:00", stop="07:00")
