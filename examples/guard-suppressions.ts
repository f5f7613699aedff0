import * as fs from 'fs';
import * as cdk from 'aws-cdk-lib';
import { GUARD_METADATA_KEY, GuardMetadata } from '../src/private/guard-suppressions';

/**
 * Runs a CloudFormation Guard validation plugin and drops from its report the findings that the
 * resource itself suppresses in `Metadata.guard.SuppressedRules` (the library writes them, each
 * with its reason, through `suppressGuardRules`).
 *
 * The AWS Guard Rules Registry's rules honour that metadata in their own selectors; the Control
 * Tower proactive controls bundled with `@cdklabs/cdk-validator-cfnguard` 0.0.62 do not
 * (cdklabs/cdk-validator-cfnguard#202), and aws-cdk-lib's `Validations.acknowledge()` matches a
 * rule id across the whole app, not one resource. Drop this wrapper once the plugin honours it.
 */
export class GuardSuppressionsHonoured implements cdk.IPolicyValidationPluginBeta1 {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];

  constructor(private readonly plugin: cdk.IPolicyValidationPluginBeta1) {
    this.name = plugin.name;
    this.version = plugin.version;
    this.ruleIds = plugin.ruleIds;
  }

  public validate(context: cdk.IPolicyValidationContextBeta1): cdk.PolicyValidationPluginReportBeta1 {
    const report = this.plugin.validate(context);
    const templates = new Map<string, any>();
    const template = (templatePath: string) => {
      if (!templates.has(templatePath)) templates.set(templatePath, JSON.parse(fs.readFileSync(templatePath, 'utf-8')));
      return templates.get(templatePath);
    };
    const suppresses = (resource: cdk.PolicyViolatingResourceBeta1, rule: string) => {
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
