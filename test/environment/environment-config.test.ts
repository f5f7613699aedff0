import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EnvironmentTier } from '../../src';
import { acknowledgements, unacknowledgedFindings } from '../support/compliance';
import { environment, foundationOf, newApp } from '../support/environments';

describe('EnvironmentConfig', () => {
  test('a parameter is an SSM String parameter under /<app>/<environment>/', () => {
    const env = environment(newApp(), EnvironmentTier.QA);
    const parameter = env.config.addParameter('api/base-url', 'https://qa.example.com', { description: 'Where the API is' });
    foundationOf(env).hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/shop/qa/api/base-url', Type: 'String', Value: 'https://qa.example.com', Description: 'Where the API is',
    });
    expect(env.config.parameterName('api/base-url')).toBe('/shop/qa/api/base-url');
    expect(parameter.parameterName).toBeDefined();
  });

  test('a secret is named under the same path, encrypted with the environment key, and generated', () => {
    const env = environment(newApp(), EnvironmentTier.STAGING);
    env.config.addSecret('database/password', { description: 'Database admin password' });
    foundationOf(env).hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Name: '/shop/staging/database/password',
        Description: 'Database admin password',
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
        GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
      },
      // Staging's SNAPSHOT keeps what cannot be snapshotted.
      DeletionPolicy: 'Retain',
    });
  });

  test('a secret is not rotated, and cdk-nag\'s rotation findings on it are acknowledged with the reason, none other', () => {
    const app = newApp();
    const env = environment(app, EnvironmentTier.DEV);
    const secret = env.config.addSecret('token');
    app.synth();
    expect(unacknowledgedFindings(app).filter(f => f.path.startsWith(secret.node.path))).toEqual([]);
    expect(acknowledgements(secret).map(a => a.id).sort())
      .toEqual(['AwsSolutions-SMG4', 'HIPAA.Security-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerRotationEnabled']);
    expect(acknowledgements(secret)[0].reason).toMatch(/attach one with addRotationSchedule\(\) on the secret that addSecret\(\) returns/);
  });

  test('secrets of a throwaway tier are deleted with the stack', () => {
    const env = environment(newApp(), EnvironmentTier.DEV);
    env.config.addSecret('token');
    foundationOf(env).hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });

  test('grantRead gives a workload role read access to every parameter and secret of the environment, and decryption', () => {
    const env = environment(newApp(), EnvironmentTier.DEV);
    const workload = new cdk.Stack(env, 'Workload');
    const role = new iam.Role(workload, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    env.config.grantRead(role);
    Template.fromStack(workload).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
            Effect: 'Allow',
            Resource: [
              'arn:aws:ssm:eu-west-1:111111111111:parameter/shop/dev',
              'arn:aws:ssm:eu-west-1:111111111111:parameter/shop/dev/*',
            ],
          },
          {
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Effect: 'Allow',
            Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:/shop/dev/*',
          },
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::ImportValue': Match.stringLikeRegexp('Key') } },
        ],
      },
    });
  });

  test('the deployment role can read the configuration, so pipeline steps can look values up', () => {
    const template = foundationOf(environment(newApp(), EnvironmentTier.PROD));
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('DeploymentRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'] })]) },
    });
  });

  test.each([
    ['/leading', "addParameter: name is '/leading'; expected segments of letters, digits, '_', '.' and '-' separated by '/', with no leading or trailing '/'"],
    ['trailing/', "addParameter: name is 'trailing/'; expected segments of letters, digits, '_', '.' and '-' separated by '/', with no leading or trailing '/'"],
    ['with space', "addParameter: name is 'with space'; expected segments of letters, digits, '_', '.' and '-' separated by '/', with no leading or trailing '/'"],
    ['', "addParameter: name is ''; expected segments of letters, digits, '_', '.' and '-' separated by '/', with no leading or trailing '/'"],
  ])('rejects the parameter name %j', (name, message) => {
    const env = environment(newApp(), EnvironmentTier.DEV);
    expect(() => env.config.addParameter(name, 'v')).toThrow(new Error(`[dev/Foundation/Config] EnvironmentConfig /shop/dev/: ${message}`));
  });

  test('rejects an empty value', () => {
    const env = environment(newApp(), EnvironmentTier.DEV);
    expect(() => env.config.addParameter('x', '')).toThrow(new Error('[dev/Foundation/Config] EnvironmentConfig /shop/dev/: addParameter: value is empty; an SSM parameter cannot hold an empty string'));
  });

  test('rejects a name the configuration already has, parameter or secret', () => {
    const env = environment(newApp(), EnvironmentTier.DEV);
    env.config.addParameter('db/host', 'localhost');
    expect(() => env.config.addSecret('db/host')).toThrow(new Error(
      "[dev/Foundation/Config] EnvironmentConfig /shop/dev/: addSecret: name is 'db/host', which this environment's configuration already has; each parameter and secret needs a name of its own"));
  });
});
