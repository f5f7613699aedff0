import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { EnvironmentTier, IsolatedEnvironment, IsolatedEnvironmentProps } from '../../src';
import { environment, newApp } from '../support/environments';

const NAME_RULE = 'expected lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 32 characters';

describe('invalid props are rejected with the prop, the value and what is expected', () => {
  const cases: [string, EnvironmentTier, Partial<IsolatedEnvironmentProps>, string][] = [
    ['an account id that is not 12 digits', EnvironmentTier.DEV, { account: '12345' },
      "[dev] IsolatedEnvironment 'dev': account is '12345'; expected an AWS account id of 12 digits"],
    ['a tooling account that is not 12 digits', EnvironmentTier.DEV, { toolingAccount: 'tooling' },
      "[dev] IsolatedEnvironment 'dev': toolingAccount is 'tooling'; expected an AWS account id of 12 digits"],
    ['an operators account that is not 12 digits', EnvironmentTier.DEV, { operatorsAccount: '1234567890123' },
      "[dev] IsolatedEnvironment 'dev': operatorsAccount is '1234567890123'; expected an AWS account id of 12 digits"],
    ['a region that does not exist', EnvironmentTier.DEV, { region: 'eu-west-9' },
      "[dev] IsolatedEnvironment 'dev': 2 problems:\n  - region is 'eu-west-9'; expected an AWS region such as eu-west-1\n  - availabilityZones has eu-west-1a, eu-west-1b, eu-west-1c, not in region eu-west-9"],
    ['a CIDR that is not one', EnvironmentTier.DEV, { cidr: '10.0.0/16' },
      "[dev] IsolatedEnvironment 'dev': cidr is '10.0.0/16'; expected an IPv4 CIDR block such as 10.0.0.0/16"],
    ['a CIDR with an octet above 255', EnvironmentTier.DEV, { cidr: '10.300.0.0/16' },
      "[dev] IsolatedEnvironment 'dev': cidr is '10.300.0.0/16'; expected an IPv4 CIDR block such as 10.0.0.0/16"],
    ['a CIDR with host bits set', EnvironmentTier.DEV, { cidr: '10.0.1.0/16' },
      "[dev] IsolatedEnvironment 'dev': cidr is '10.0.1.0/16'; has bits set after the /16 prefix; did you mean 10.0.0.0/16?"],
    ['a VPC larger than AWS allows', EnvironmentTier.DEV, { cidr: '10.0.0.0/8' },
      "[dev] IsolatedEnvironment 'dev': cidr is 10.0.0.0/8; the largest VPC AWS allows is a /16"],
    ['a prefix too small for the subnets', EnvironmentTier.PROD, { cidr: '10.0.0.0/25' },
      "[prod] IsolatedEnvironment 'prod': cidr is 10.0.0.0/25, too small for 9 subnets (3 groups in 3 availability zones) of at least /28; use a /24 or larger"],
    ['no CIDR and no VPC', EnvironmentTier.DEV, { cidr: undefined },
      "[dev] IsolatedEnvironment 'dev': cidr is missing; give the VPC's IPv4 range (for example 10.10.0.0/16), or bring a vpc"],
    ['fewer availability zones than the tier uses', EnvironmentTier.PROD, { availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
      "[prod] IsolatedEnvironment 'prod': availabilityZones has 2 zone(s) but the environment uses 3 (maxAzs); give at least 3"],
    ['an availability zone of another region', EnvironmentTier.DEV, { availabilityZones: ['eu-west-1a', 'us-east-1b'] },
      "[dev] IsolatedEnvironment 'dev': availabilityZones has us-east-1b, not in region eu-west-1"],
    ['a tag the library sets', EnvironmentTier.DEV, { tags: { Environment: 'x', Owner: 'me' } },
      "[dev] IsolatedEnvironment 'dev': tags has 'Environment', which the library sets from the environment; remove it from tags"],
    ['an app name with capitals', EnvironmentTier.DEV, { appName: 'Shop' },
      `[dev] IsolatedEnvironment 'dev': appName is 'Shop'; ${NAME_RULE}`],
    ['an environment name with an underscore', EnvironmentTier.DEV, { environmentName: 'dev_1' },
      `[dev_1] IsolatedEnvironment 'dev_1': environmentName is 'dev_1'; ${NAME_RULE}`],
    ['more NAT gateways than availability zones', EnvironmentTier.DEV, { natGateways: 3 },
      "[dev] IsolatedEnvironment 'dev': natGateways is 3, more than maxAzs (2); a VPC has at most one NAT gateway per availability zone"],
    ['a production environment without termination protection', EnvironmentTier.PROD, { terminationProtection: false },
      "[prod] IsolatedEnvironment 'prod': terminationProtection is false; for a production tier (production is true) expected true"],
    ['a production environment destroyed with its stacks', EnvironmentTier.PROD, { removalPolicy: cdk.RemovalPolicy.DESTROY },
      "[prod] IsolatedEnvironment 'prod': removalPolicy is destroy; for a production tier (production is true) expected RETAIN, so end users' data outlives its stack"],
    ['the tooling account as the environment\'s own', EnvironmentTier.PROD, { toolingAccount: '444444444444' },
      "[prod] IsolatedEnvironment 'prod': toolingAccount is 444444444444, the environment's own account; the pipeline runs in an account of its own, so that no environment can change it"],
    ['zero availability zones', EnvironmentTier.DEV, { maxAzs: 0, natGateways: 0 },
      "[dev] IsolatedEnvironment 'dev': maxAzs is 0; expected a whole number from 1 to 6"],
  ];

  test.each(cases)('%s', (_, tier, props, message) => {
    const app = newApp();
    expect(() => environment(app, tier, props)).toThrow(new Error(message));
  });

  test('every problem of one environment is reported at once', () => {
    expect(() => environment(newApp(), EnvironmentTier.DEV, { account: 'x', region: 'nowhere', cidr: 'y', availabilityZones: undefined }))
      .toThrow(new Error("[dev] IsolatedEnvironment 'dev': 3 problems:\n"
        + "  - account is 'x'; expected an AWS account id of 12 digits\n"
        + "  - region is 'nowhere'; expected an AWS region such as eu-west-1\n"
        + "  - cidr is 'y'; expected an IPv4 CIDR block such as 10.0.0.0/16"));
  });

  test('a CIDR given as a token cannot be checked for overlaps, and is refused', () => {
    expect(() => environment(newApp(), EnvironmentTier.DEV, { cidr: cdk.Lazy.string({ produce: () => '10.0.0.0/16' }) }))
      .toThrow(/cidr is a token; the range must be known at synth time/);
  });

  test('the smallest VPC that fits the subnets is accepted, and a VPC the user brings needs no room', () => {
    expect(() => environment(newApp(), EnvironmentTier.PROD, { cidr: '10.0.0.0/24' })).not.toThrow();
    expect(() => environment(newApp(), EnvironmentTier.DEV, { cidr: '10.0.0.0/25' })).not.toThrow();
    const app = newApp();
    const vpc = ec2.Vpc.fromVpcAttributes(new cdk.Stack(app, 'Net'), 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'] });
    expect(() => environment(app, EnvironmentTier.PROD, { vpc, cidr: '10.0.0.0/28' })).not.toThrow();
  });
});

describe('isolation across the environments of an app', () => {
  test('two environments whose VPC ranges overlap', () => {
    const app = newApp();
    environment(app, EnvironmentTier.DEV, { cidr: '10.0.0.0/16' });
    expect(() => environment(app, EnvironmentTier.QA, { cidr: '10.0.128.0/17' }))
      .toThrow(new Error("[qa] IsolatedEnvironment 'qa': cidr 10.0.128.0/17 overlaps environment 'dev' (10.0.0.0/16); give each environment its own range"));
  });

  test('a production environment in the account of a non-production one', () => {
    const app = newApp();
    environment(app, EnvironmentTier.DEV, { account: '123456789012', cidr: '10.1.0.0/16' });
    expect(() => environment(app, EnvironmentTier.PROD, { account: '123456789012', cidr: '10.2.0.0/16' }))
      .toThrow(new Error("[prod] IsolatedEnvironment 'prod': account 123456789012 is also the account of environment 'dev' (tier dev); environments of different tiers need accounts of their own"));
  });

  test('two environments with the same name', () => {
    const app = newApp();
    environment(app, EnvironmentTier.DEV, { cidr: '10.1.0.0/16' });
    expect(() => new IsolatedEnvironment(app, 'DevAgain', {
      tier: EnvironmentTier.DEV, appName: 'shop', account: '111111111111', region: 'eu-west-1', toolingAccount: '999999999999', cidr: '10.2.0.0/16',
    })).toThrow(new Error("[DevAgain] IsolatedEnvironment 'dev': environmentName is 'dev', already the name of another environment of this app; give each environment its own name"));
  });

  test('two custom tiers that share a name are still different tiers, and may not share an account', () => {
    const app = newApp();
    const liveProd = EnvironmentTier.custom({ name: 'live', basedOn: EnvironmentTier.PROD });
    const liveDev = EnvironmentTier.custom({ name: 'live', basedOn: EnvironmentTier.DEV });
    environment(app, liveProd, { environmentName: 'live-a', account: '123456789012', cidr: '10.1.0.0/16' });
    expect(() => environment(app, liveDev, { environmentName: 'live-b', account: '123456789012', cidr: '10.2.0.0/16' }))
      .toThrow(/account 123456789012 is also the account of environment 'live-a' \(tier live\); environments of different tiers need accounts of their own/);
  });

  test('environments of one tier may share an account, in separate ranges (for example two Dev regions)', () => {
    const app = newApp();
    environment(app, EnvironmentTier.DEV, { cidr: '10.1.0.0/16' });
    expect(() => environment(app, EnvironmentTier.DEV, { cidr: '10.2.0.0/16', environmentName: 'dev-us', region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'] }))
      .not.toThrow();
  });

  test('accounts given as tokens are not compared', () => {
    const app = newApp();
    environment(app, EnvironmentTier.DEV, { account: cdk.Aws.ACCOUNT_ID, cidr: '10.1.0.0/16' });
    expect(() => environment(app, EnvironmentTier.PROD, { account: cdk.Aws.ACCOUNT_ID, cidr: '10.2.0.0/16' })).not.toThrow();
  });

  test('environments of different apps are not compared', () => {
    environment(newApp(), EnvironmentTier.DEV, { cidr: '10.1.0.0/16' });
    expect(() => environment(newApp(), EnvironmentTier.QA, { cidr: '10.1.0.0/16' })).not.toThrow();
  });

  test('an environment that failed its checks is not counted against the next one', () => {
    const app = newApp();
    expect(() => environment(app, EnvironmentTier.DEV, { cidr: '10.1.0.0/16', account: 'bad' })).toThrow();
    expect(() => environment(app, EnvironmentTier.QA, { cidr: '10.1.0.0/16', environmentName: 'dev2' })).not.toThrow();
  });
});

describe('availability zones the CDK CLI could not look up', () => {
  // What the CDK CLI gives the app when a lookup fails: the provider's error under aws-cdk-lib's
  // PROVIDER_ERROR_KEY ($providerError), not saved to cdk.context.json ($dontSaveContext).
  const failedLookup = (account: string, region: string) => ({
    [`availability-zones:account=${account}:region=${region}`]: {
      [cxapi.PROVIDER_ERROR_KEY]: `Need to perform AWS calls for account ${account}, but no credentials have been configured`,
      $dontSaveContext: true,
    },
  });

  test('GIVEN no availabilityZones and a failed lookup WHEN the environment is made THEN it fails, naming the prop and the way out, instead of subnets in dummy1a', () => {
    const app = new cdk.App({ postCliContext: failedLookup('111111111111', 'eu-west-1') });
    expect(() => environment(app, EnvironmentTier.DEV, { availabilityZones: undefined })).toThrow(
      "[dev] IsolatedEnvironment 'dev': availabilityZones is not given, and the CDK CLI could not look up the zones of account 111111111111 in eu-west-1 "
      + '(Need to perform AWS calls for account 111111111111, but no credentials have been configured); '
      + "give them (for example availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']), or synthesize with credentials that may read that account");
  });

  test('GIVEN no availabilityZones and zones the CLI looked up WHEN synthesized THEN the subnets are in those zones', () => {
    const app = new cdk.App({ postCliContext: { 'availability-zones:account=111111111111:region=eu-west-1': ['eu-west-1a', 'eu-west-1b'] } });
    const env = environment(app, EnvironmentTier.DEV, { availabilityZones: undefined });
    const zones = Object.values(Template.fromStack(env.foundation).findResources('AWS::EC2::Subnet')).map(s => s.Properties.AvailabilityZone);
    expect([...new Set(zones)].sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
  });
});
