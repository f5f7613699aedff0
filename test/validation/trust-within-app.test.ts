import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { safetyViolations, stackIn } from '../support/safety';

/** An app with stacks in accounts 111111111111 and 222222222222, and in the first a role trusting `principal`. */
const roleTrusting = (principal: (stack: cdk.Stack) => iam.IPrincipal) => (app: cdk.App) => {
  const stack = stackIn(app, 'App');
  stackIn(app, 'Other', '222222222222');
  new iam.Role(stack, 'Role', { assumedBy: principal(stack) });
};

describe('trust-within-app', () => {
  test('GIVEN a role trusting an account that holds no stack of the app WHEN synthesized THEN the role violates, at the principal', () => {
    const found = safetyViolations(roleTrusting(() => new iam.AccountPrincipal('123456789012')));
    expect(found).toEqual([{
      rule: 'trust-within-app',
      path: 'App/Role/Resource',
      logicalId: 'Role1ABCC5F0',
      template: 'App.template.json',
      locations: ['Properties/AssumeRolePolicyDocument/Statement/0/Principal/AWS'],
    }]);
  });

  test.each([
    ['anyone', () => new iam.AnyPrincipal(), 'Principal/AWS'],
    ['a federated identity', () => new iam.FederatedPrincipal('cognito-identity.amazonaws.com', {}, 'sts:AssumeRoleWithWebIdentity'), 'Principal/Federated'],
    ['a role of another account, by ARN', () => new iam.ArnPrincipal('arn:aws:iam::123456789012:role/deployer'), 'Principal/AWS'],
    ['a principal whose account a parameter decides', (s: cdk.Stack) => new iam.AccountPrincipal(new cdk.CfnParameter(s, 'Account').valueAsString), 'Principal/AWS'],
  ])('GIVEN a role trusting %s WHEN synthesized THEN it violates', (_, principal, location) => {
    const found = safetyViolations(roleTrusting(principal));
    expect(found.map(f => [f.rule, f.logicalId, f.locations])).toEqual([['trust-within-app', 'Role1ABCC5F0', [`Properties/AssumeRolePolicyDocument/Statement/0/${location}`]]]);
  });

  test.each([
    ['a service', () => new iam.ServicePrincipal('lambda.amazonaws.com')],
    ['its own account (AWS::AccountId)', () => new iam.AccountRootPrincipal()],
    ['another account of the app', () => new iam.AccountPrincipal('222222222222')],
    ['a role of the same template', (s: cdk.Stack) => new iam.Role(s, 'Caller', { assumedBy: new iam.AccountRootPrincipal() })],
    ['a role of another account of the app, by ARN', () => new iam.ArnPrincipal('arn:aws:iam::222222222222:role/deployer')],
  ])('GIVEN a role trusting %s WHEN synthesized THEN nothing violates', (_, principal) => {
    expect(safetyViolations(roleTrusting(principal))).toEqual([]);
  });

  test('GIVEN an account outside the app listed in trustedAccounts WHEN synthesized THEN a role may trust it', () => {
    const build = roleTrusting(() => new iam.AccountPrincipal('123456789012'));
    expect(safetyViolations(build, { trustedAccounts: ['123456789012'] })).toEqual([]);
  });
});
