import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { safetyViolations, stackIn } from '../support/safety';

const lambdaRole = (app: any) => new iam.Role(stackIn(app, 'App'), 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

describe('no-wildcard-action', () => {
  test('GIVEN a role allowed every action WHEN synthesized THEN its policy violates, at the statement\'s Action', () => {
    const found = safetyViolations(app => {
      lambdaRole(app).addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
    });
    expect(found).toEqual([{
      rule: 'no-wildcard-action',
      path: 'App/Role/DefaultPolicy/Resource',
      logicalId: 'RoleDefaultPolicy5FFB7DAB',
      template: 'App.template.json',
      locations: ['Properties/PolicyDocument/Statement/0/Action'],
    }]);
  });

  test('GIVEN an Allow with NotAction WHEN synthesized THEN it violates: it allows all but the actions listed', () => {
    const found = safetyViolations(app => {
      lambdaRole(app).addToPolicy(new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] }));
    });
    expect(found.map(f => [f.rule, f.locations])).toEqual([['no-wildcard-action', ['Properties/PolicyDocument/Statement/0/NotAction']]]);
  });

  test('GIVEN a key policy allowing every action to the account WHEN synthesized THEN the key violates', () => {
    const found = safetyViolations(app => {
      new kms.Key(stackIn(app, 'App'), 'Key', {
        policy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'], principals: [new iam.AccountRootPrincipal()] })] }),
      });
    });
    expect(found.map(f => [f.rule, f.path, f.locations])).toEqual([['no-wildcard-action', 'App/Key/Resource', ['Properties/KeyPolicy/Statement/0/Action']]]);
  });

  test('GIVEN a bucket policy allowing every action WHEN synthesized THEN the bucket policy violates', () => {
    const found = safetyViolations(app => {
      const bucket = new s3.Bucket(stackIn(app, 'App'), 'Bucket', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true });
      bucket.addToResourcePolicy(new iam.PolicyStatement({ actions: ['*'], resources: [bucket.arnForObjects('*')], principals: [new iam.AccountRootPrincipal()] }));
    });
    expect(found.map(f => [f.rule, f.path, f.locations])).toEqual([['no-wildcard-action', 'App/Bucket/Policy/Resource', ['Properties/PolicyDocument/Statement/1/Action']]]);
  });

  test('GIVEN service wildcards, a Deny of everything and the actions a grant lists WHEN synthesized THEN nothing violates', () => {
    const found = safetyViolations(app => {
      const role = lambdaRole(app);
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*', 'kms:Decrypt'], resources: ['*'] }));
      role.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['*'], resources: ['*'] }));
      new kms.Key(role.stack, 'Key').grantDecrypt(role);
    });
    expect(found).toEqual([]);
  });
});
