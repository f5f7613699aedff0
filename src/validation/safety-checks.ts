import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolatingResource, PolicyViolation, Token } from 'aws-cdk-lib';
import { readConstructTree } from './private/app-facts';
import { branchLaneIsolation } from './private/branch-lane-isolation';
import { bucketPublicAccessAndTls } from './private/bucket-public-access-and-tls';
import { environmentStackTags } from './private/environment-stack-tags';
import { featureLaneAccount } from './private/feature-lane-account';
import { iamDefinitions } from './private/iam-definitions';
import { IamReference } from './private/iam-reference';
import { logGroupRetention } from './private/log-group-retention';
import { noWildcardAction } from './private/no-wildcard-action';
import { productionDataRetained } from './private/production-data-retained';
import { AppFacts, CheckedTemplate, SafetyRule } from './private/rule';
import { trustWithinApp } from './private/trust-within-app';
import { ValidationErrors } from '../private/validation-errors';

/** Properties of `SafetyChecks`. */
export interface SafetyChecksProps {
  /**
   * Accounts outside the app that roles may trust besides the accounts of the app's stacks and
   * its environments' tooling accounts: for example the operators account people sign in to
   * (`IsolatedEnvironment`'s `operatorsAccount`), when it holds no stack of the app. 12-digit ids.
   *
   * @default - only the accounts of the app
   */
  readonly trustedAccounts?: string[];
}

const RULES: SafetyRule[] = [
  noWildcardAction, trustWithinApp, productionDataRetained, bucketPublicAccessAndTls, logGroupRetention, branchLaneIsolation, featureLaneAccount,
  iamDefinitions, environmentStackTags,
];

/**
 * A CDK validation plugin that checks every template of the app for least privilege and data
 * safety, and fails synthesis with a report of what breaks a rule:
 *
 * - `no-wildcard-action`: no policy statement allows every action (`*`, or `NotAction`);
 * - `trust-within-app`: every role trusts only AWS services and the accounts of the app;
 * - `production-data-retained`: in a production tier, every stateful resource is retained and
 *   protected from deletion, and every stack from termination;
 * - `bucket-public-access-and-tls`: every bucket blocks public access and denies requests without TLS;
 * - `log-group-retention`: every log group, and every function's log group, has a retention;
 * - `branch-lane-isolation`: the jobs of a lane that runs unprotected branches (hotfix, feature;
 *   read from each pipeline's `cdk-multi-env:lane` metadata) cannot read or write the protected
 *   lane's artifact bucket and key, cannot assume a role of a production account before the
 *   lane's first approval, and have no permissions that cannot be read at synth time (AWS managed policies).
 * - `feature-lane-account` (a warning, which does not fail synthesis): the feature lane deploys
 *   into an account that holds none of the app's environments (set `featureAccount`): its CDK
 *   bootstrap deploy role administers the account it deploys into.
 * - `iam-definitions`: every IAM action a policy names exists, and every condition key applies to
 *   one of its statement's actions, as AWS's service authorization reference defines them (IAM
 *   accepts both mistakes, and the statement then never applies); trust policies included.
 * - `environment-stack-tags`: every stack of an environment carries its environment, tier and app
 *   as stack tags in the cloud assembly, which the orphan clean-up finds its stacks by.
 *
 * Each violation names its resources (logical id, template, construct path) and the property at
 * fault. Acknowledge a rule for the whole app with
 * `Validations.of(app).acknowledge({ id: 'SafetyChecks::<rule>', reason })`.
 *
 * @example
 * import * as cdk from 'aws-cdk-lib';
 * import { SafetyChecks } from 'cdk-multi-env';
 *
 * const app = new cdk.App();
 * cdk.Validations.of(app).addPlugins(new SafetyChecks({ trustedAccounts: ['123456789012'] }));
 */
export class SafetyChecks implements IPolicyValidationPlugin {
  /** The plugin's name in the validation report: `SafetyChecks`. */
  public readonly name: string = 'SafetyChecks';
  /** The ids of the rules the plugin checks, in the order the report lists them. */
  public readonly ruleIds?: string[] = RULES.map(r => r.name);
  private readonly trustedAccounts: string[];

  constructor(props: SafetyChecksProps = {}) {
    const errors = new ValidationErrors('SafetyChecks');
    for (const account of props.trustedAccounts ?? []) {
      if (!Token.isUnresolved(account) && !/^\d{12}$/.test(account)) {
        errors.add('trustedAccounts', `has '${account}'; expected an AWS account id of 12 digits`);
      }
    }
    errors.throwIfAny();
    this.trustedAccounts = props.trustedAccounts ?? [];
  }

  /** Checks every template of the app against every rule. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const tree = readConstructTree(context.appConstruct);
    const app: AppFacts = {
      accounts: new Set([...tree.accounts, ...this.trustedAccounts]),
      productionAccounts: tree.productionAccounts,
      environmentAccounts: tree.environmentAccounts,
      iam: new IamReference(),
    };
    const found = new Map<SafetyRule, PolicyViolatingResource[]>();
    const manifests = new Map<string, StackTagsByTemplate>();
    for (const templatePath of context.templatePaths) {
      const stack = tree.stacksByTemplate.get(path.resolve(templatePath));
      const resources = JSON.parse(fs.readFileSync(templatePath, 'utf-8')).Resources ?? {};
      const template: CheckedTemplate = {
        templatePath,
        resources,
        account: stack?.account,
        stackPath: stack?.stackPath,
        production: stack?.production ?? false,
        terminationProtection: stack?.terminationProtection ?? false,
        stackTags: stackTagsOf(templatePath, manifests),
        environmentTags: stack?.environmentTags,
      };
      for (const rule of RULES) {
        for (const finding of rule.check(template, app)) {
          const constructPath = finding.logicalId === undefined ? stack?.stackPath : resources[finding.logicalId]?.Metadata?.['aws:cdk:path'];
          const violating: PolicyViolatingResource = {
            templatePath,
            resourceLogicalId: finding.logicalId,
            constructPath,
            locations: finding.locations,
          };
          found.set(rule, [...found.get(rule) ?? [], violating]);
        }
      }
    }
    const violations: PolicyViolation[] = RULES.filter(rule => found.has(rule)).map(rule => ({
      ruleName: rule.name,
      description: rule.description,
      fix: rule.fix,
      severity: rule.severity ?? 'error',
      violatingResources: found.get(rule)!,
    }));
    return { success: violations.every(v => v.severity !== 'error'), violations };
  }
}

/** The stack tags of each template of one cloud assembly, by the template's file name. */
type StackTagsByTemplate = Map<string, Record<string, string>>;

/**
 * The stack tags the manifest of a template's cloud assembly gives its stack (the artifact's
 * `tags`, which the CDK CLI passes to CloudFormation). Each assembly's manifest is read once.
 */
function stackTagsOf(templatePath: string, manifests: Map<string, StackTagsByTemplate>): Record<string, string> {
  const directory = path.dirname(templatePath);
  if (!manifests.has(directory)) {
    const file = path.join(directory, 'manifest.json');
    const artifacts: Record<string, any> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')).artifacts ?? {} : {};
    manifests.set(directory, new Map(Object.values(artifacts)
      .filter(a => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile)
      .map(a => [a.properties.templateFile, a.properties.tags ?? {}])));
  }
  return manifests.get(directory)!.get(path.basename(templatePath)) ?? {};
}
