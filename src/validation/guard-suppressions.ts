import * as fs from 'fs';
import { CfnResource, IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, PolicyViolatingResourceBeta1 } from 'aws-cdk-lib';
import { GUARD_METADATA_KEY, GuardMetadata, suppressGuardRules } from '../private/acknowledge';

/**
 * CloudFormation Guard suppressions of one resource, with their reasons, in its template; and a
 * validation plugin wrapper that honours them.
 *
 * `suppress()` writes `Metadata.guard.SuppressedRules` (the convention of the AWS Guard Rules
 * Registry's rules) and `Metadata.guard.Reasons`, rule by rule, for a control that is sound in
 * general but knowingly not met by this one resource. The Control Tower proactive controls bundled
 * with `@cdklabs/cdk-validator-cfnguard` do not read that metadata themselves
 * (cdklabs/cdk-validator-cfnguard#202), and aws-cdk-lib's `Validations.acknowledge()` matches a rule
 * across the whole app, not one resource: wrap the plugin in a `GuardSuppressions` so that a
 * resource's suppressions drop its findings. The library suppresses what its own resources
 * knowingly do not meet this way.
 *
 * @example
 * import * as s3 from 'aws-cdk-lib/aws-s3';
 *
 * // For example `new CfnGuardValidator()` of @cdklabs/cdk-validator-cfnguard.
 * declare const guard: IPolicyValidationPluginBeta1;
 *
 * const app = new App();
 * Validations.of(app).addPlugins(new GuardSuppressions(guard));
 * const stack = new Stack(app, 'Reports');
 * const bucket = new s3.Bucket(stack, 'Scratch', { enforceSSL: true });
 * GuardSuppressions.suppress(bucket.node.defaultChild as CfnResource,
 *   'Scratch data, rebuilt every night: one version is all it needs', 's3_bucket_versioning_enabled_check');
 */
export class GuardSuppressions implements IPolicyValidationPluginBeta1 {
  /**
   * Suppresses CloudFormation Guard rules, by rule name, on one resource, with the reason. Calls
   * add up: a rule suppressed again gets the later reason.
   */
  public static suppress(resource: CfnResource, reason: string, ...rules: string[]): void {
    suppressGuardRules(resource, reason, ...rules);
  }

  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];

  /** @param plugin the CloudFormation Guard validation plugin, for example `new CfnGuardValidator()` */
  constructor(private readonly plugin: IPolicyValidationPluginBeta1) {
    this.name = plugin.name;
    this.version = plugin.version;
    this.ruleIds = plugin.ruleIds;
  }

  /** Runs the wrapped plugin and drops the findings that the failing resource itself suppresses. */
  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const report = this.plugin.validate(context);
    const templates = new Map<string, any>();
    const template = (templatePath: string) => {
      if (!templates.has(templatePath)) templates.set(templatePath, JSON.parse(fs.readFileSync(templatePath, 'utf-8')));
      return templates.get(templatePath);
    };
    const suppresses = (resource: PolicyViolatingResourceBeta1, rule: string) => {
      const resources = template(resource.templatePath).Resources ?? {};
      const metadata: Partial<GuardMetadata> | undefined = resources[resource.resourceLogicalId]?.Metadata?.[GUARD_METADATA_KEY];
      return metadata?.SuppressedRules?.includes(rule) ?? false;
    };

    // Guard sometimes reports a rule a second time without a resource (no logical id) next to the
    // resources that fail it; such a finding goes when every resource that failed the rule in
    // that template suppresses it.
    const attributed = report.violations.flatMap(v => v.violatingResources.filter(r => r.resourceLogicalId).map(r => ({ rule: v.ruleName, r })));
    const fullySuppressed = (rule: string, templatePath: string) => {
      const failing = attributed.filter(a => a.rule === rule && a.r.templatePath === templatePath);
      return failing.length > 0 && failing.every(a => suppresses(a.r, rule));
    };
    const violations = report.violations
      .map(v => ({
        ...v,
        violatingResources: v.violatingResources.filter(r =>
          r.resourceLogicalId ? !suppresses(r, v.ruleName) : !fullySuppressed(v.ruleName, r.templatePath)),
      }))
      .filter(v => v.violatingResources.length > 0);
    return { ...report, violations, success: report.success || violations.length === 0 };
  }
}
