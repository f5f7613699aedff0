import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './validation-errors';

/**
 * Acknowledges rule findings on a construct, with the reason, through `Validations.of(scope)`:
 * where cdk-nag v3 (and any other validation plugin) reads them.
 *
 * `Validations.acknowledge()` rejects an id with more than one `::`, yet cdk-nag names some
 * findings that way (`AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/...]`).
 * Those are recorded in the same construct metadata that `acknowledge()` writes and cdk-nag reads.
 */
export function acknowledge(scope: IConstruct, reason: string, ...ids: string[]): void {
  for (const id of ids) {
    if (id.split('::').length <= 2) {
      Validations.of(scope).acknowledge({ id, reason });
    } else {
      scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
    }
  }
}

/** The four cdk-nag packs' ids for one rule, for example `nag('S3BucketLoggingEnabled')`. */
export function inCompliancePacks(rule: string): string[] {
  return ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map(pack => `${pack}-${rule}`);
}

/**
 * A value as cdk-nag writes it in a finding id (`<Logical.Arn>/path/*`), for acknowledging a
 * finding about a resource of the construct tree. Resolved now, so only for values whose logical
 * ids are settled (resources the library creates).
 */
export function asNagFinding(scope: IConstruct, value: string): string {
  return flattenReference(Stack.of(scope).resolve(value));
}

/** A resolved CloudFormation value as cdk-nag flattens it in finding ids (`Fn::Join` joined, `Ref` as `<Id>`, `Fn::GetAtt` as `<Id.Attr>`). */
export function flattenReference(node: any): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\${/g, '<').replace(/}/g, '>');
  if (node['Fn::Join']) return (node['Fn::Join'][1] as unknown[]).map(flattenReference).join(node['Fn::Join'][0]);
  if (node['Fn::Sub']) return flattenReference(node['Fn::Sub']);
  if (node['Fn::GetAtt']) return `<${flattenReference(node['Fn::GetAtt'][0])}.${flattenReference(node['Fn::GetAtt'][1])}>`;
  if (node['Fn::ImportValue']) return flattenReference(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenReference(node.Ref)}>`;
  return JSON.stringify(node);
}

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for each wildcard resource ARN, on the role (or
 * policy) whose policy names it: cdk-nag reports each wildcard as a finding of its own.
 */
export function acknowledgeWildcardResources(scope: IConstruct, reason: string, ...arns: string[]): void {
  acknowledge(scope, reason, ...arns.map(arn => `AwsSolutions-IAM5[Resource::${asNagFinding(scope, arn)}]`));
}

/**
 * Ignores cfn-lint rules on one resource, with the reason, in its template (`Metadata.cfn-lint`):
 * cfn-lint reads them there on any app, with no configuration file of this repository.
 */
export function ignoreLintRules(resource: CfnResource, reason: string, ...rules: string[]): void {
  const existing = resource.getMetadata(CFN_LINT_METADATA_KEY) ?? {};
  const ignored: string[] = existing.config?.ignore_checks ?? [];
  resource.addMetadata(CFN_LINT_METADATA_KEY, {
    ...existing,
    config: { ...existing.config, ignore_checks: [...ignored, ...rules.filter(r => !ignored.includes(r))] },
    reasons: { ...existing.reasons, ...Object.fromEntries(rules.map(rule => [rule, reason])) },
  });
}

const CFN_LINT_METADATA_KEY = 'cfn-lint';

/**
 * Why a resource that depends on its role ignores cfn-lint's W3005: aws-cdk-lib's `Trail`,
 * `Function` and `Pipeline` depend on their role construct, which renders `DependsOn` on both the
 * role and its default policy. The policy entry is needed (nothing starts before its permissions
 * exist); the role entry repeats what the `GetAtt` of the role's ARN already orders.
 */
export const ROLE_DEPENDENCY_REASON = 'DependsOn names the role and its default policy (aws-cdk-lib): the policy entry is needed, the role entry repeats what the GetAtt of its ARN orders';

/** The resource metadata key CloudFormation Guard rules read suppressions from. */
export const GUARD_METADATA_KEY = 'guard';

/** What `suppressGuardRules` writes under `Metadata.guard` of a resource. */
export interface GuardMetadata {
  /** The suppressed rules, by name (`s3_bucket_object_lock_enabled_check`): what guard reads. */
  readonly SuppressedRules: string[];
  /** Why each rule is suppressed, by rule name: guard ignores it, an auditor reads it. */
  readonly Reasons: Record<string, string>;
}

/**
 * Suppresses CloudFormation Guard rules on one resource, with the reason, in its template
 * (`Metadata.guard`): what `GuardSuppressions.suppress` does, for the library's own resources. Calls
 * add up: a rule suppressed again gets the later reason.
 */
export function suppressGuardRules(resource: CfnResource, reason: string, ...rules: string[]): void {
  if (rules.length === 0 || reason.trim() === '') {
    throw validationError(`GuardSuppressions.suppress: rules has ${rules.length} and reason is '${reason}'; give at least one rule and the reason`, resource);
  }
  const existing: Partial<GuardMetadata> = resource.getMetadata(GUARD_METADATA_KEY) ?? {};
  const suppressed = [...existing.SuppressedRules ?? []];
  const reasons = { ...existing.Reasons };
  for (const rule of rules) {
    if (!suppressed.includes(rule)) suppressed.push(rule);
    reasons[rule] = reason;
  }
  resource.addMetadata(GUARD_METADATA_KEY, { ...existing, SuppressedRules: suppressed, Reasons: reasons });
}
