// The README's first example as a file, synthesized by test/examples/quick-start.test.ts, which also
// checks that it is the README's code (with this repository's ../src for the package). Run it alone:
// CDK_OUTDIR=quick-start.out npx ts-node --project tsconfig.dev.json examples/quick-start.ts
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EnvironmentTier, IsolatedEnvironment } from '../src';

const app = new cdk.App();
const dev = new IsolatedEnvironment(app, 'Dev', {
  tier: EnvironmentTier.DEV,
  appName: 'shop',
  account: '111111111111',
  region: 'eu-west-1',
  toolingAccount: '999999999999', // where the pipeline runs
  cidr: '10.10.0.0/16',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'], // optional: synth needs no AWS credentials
});

const api = new cdk.Stack(dev, 'Api');
const role = new iam.Role(api, 'ApiRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
dev.config.addParameter('log-level', 'debug'); // SSM parameter /shop/dev/log-level
dev.config.addSecret('database/password'); // Secrets Manager, encrypted with dev.key
dev.config.grantRead(role);
// dev.vpc, dev.key, dev.applicationSecurityGroup and dev.profile (the tier's defaults) are there for the workload
