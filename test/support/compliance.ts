import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ComplianceBaseline, ComplianceBaselineProps } from '../../src';

export const ACCOUNT = '123456789012';

/** The key-policy statement that lets only AWS services create grants on a key (Control Tower's CT.KMS.PR.3). */
export const ONLY_AWS_SERVICES_CREATE_GRANTS = {
  Sid: 'OnlyAwsServicesCreateGrants',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'kms:CreateGrant',
  Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
};

/** A baseline in a stack of its own account and region, with its template. */
export function baselineIn(props: ComplianceBaselineProps): { stack: cdk.Stack; baseline: ComplianceBaseline; template: Template } {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, 'Audit', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const baseline = new ComplianceBaseline(stack, 'Baseline', props);
  return { stack, baseline, template: Template.fromStack(stack) };
}

/** One finding of a rule pack: the rule (with its finding) and the resource. */
export interface Finding {
  readonly rule: string;
  readonly path: string;
}

/**
 * What cdk-nag v3's AwsSolutions, NIST 800-53 rev 5, HIPAA Security and PCI DSS 3.2.1 packs find
 * in a construct tree and nobody acknowledged. Call it after synthesis, so aspects have run.
 */
export function unacknowledgedFindings(scope: IConstruct): Finding[] {
  const packs = [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks(), new PCIDSS321Checks()];
  return packs.flatMap(pack => pack.validateScope(scope).violations.flatMap(v =>
    v.violatingResources.map(r => ({ rule: v.ruleName, path: r.constructPath ?? '' }))));
}

/** Every acknowledgement recorded in a construct tree: rule id and reason. */
export function acknowledgements(scope: IConstruct): { id: string; reason: string; path: string }[] {
  return scope.node.findAll().flatMap(c => c.node.metadata
    .filter(m => m.type === cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap(m => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), reason, path: c.node.path }))));
}
