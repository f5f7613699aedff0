import { CfnResource } from 'aws-cdk-lib';

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
 * Suppresses CloudFormation Guard rules on one resource, with the reason, in its template:
 * `Metadata.guard.SuppressedRules` lists the rule names (the convention of the AWS Guard Rules
 * Registry's rules) and `Metadata.guard.Reasons` says why, rule by rule.
 *
 * For a control that is sound in general but knowingly not met by this one resource; a control
 * that does not apply to anything the library builds is disabled in the validator instead.
 *
 * The Control Tower rules bundled with `@cdklabs/cdk-validator-cfnguard` do not read this metadata
 * themselves (cdklabs/cdk-validator-cfnguard#202): the reference app's validators drop the
 * findings it suppresses from that plugin's report (examples/guard-suppressions.ts).
 */
export function suppressGuardRules(resource: CfnResource, reason: string, ...rules: string[]): void {
  if (rules.length === 0 || reason.trim() === '') {
    throw new Error(`suppressGuardRules on '${resource.node.path}': give at least one rule and the reason`);
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
