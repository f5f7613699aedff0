import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, BootstraplessSynthesizer, CfnStackSet, Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { ComplianceBaseline } from './compliance-baseline';
import { ComplianceBaselineOptions } from './compliance-baseline-options';
import { checkName } from '../private/names';
import { ValidationErrors, validationError } from '../private/validation-errors';
import { EnvironmentTier } from '../tiers';

/** Properties of a `ComplianceBaselineStackSet`. */
export interface ComplianceBaselineStackSetProps extends ComplianceBaselineOptions {
  /** The tier whose baseline every account gets. */
  readonly tier: EnvironmentTier;

  /**
   * The organizational units (`ou-...`) or the organization's root (`r-...`) whose accounts get
   * the baseline, today's and those added later. The management account itself never gets a
   * stack instance of a service-managed StackSet.
   */
  readonly organizationalUnitIds: string[];

  /**
   * The regions each account gets the baseline in. With `cloudTrail` on, give one region: the
   * trail records every region; deploy a second StackSet with `cloudTrail: false` for the others.
   */
  readonly regions: string[];

  /**
   * The StackSet's name.
   *
   * @default `compliance-baseline-<tier>`
   */
  readonly stackSetName?: string;

  /**
   * Whether the StackSet is deployed from a delegated administrator account of CloudFormation
   * StackSets instead of the organization's management account.
   *
   * @default false
   */
  readonly delegatedAdministrator?: boolean;

  /**
   * Whether an account's stack (and with it its audit logs, which are retained anyway) stays
   * when the account leaves the organizational units.
   *
   * @default true
   */
  readonly retainStacksOnAccountRemoval?: boolean;
}

/** CloudFormation takes a template body of at most 51,200 bytes. */
const MAX_TEMPLATE_BODY = 51_200;
const PATH_METADATA = 'aws:cdk:enable-path-metadata';
const ORG_TARGET = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

/**
 * The compliance baseline in every account of one or more organizational units, as a
 * CloudFormation StackSet with service-managed permissions: AWS Organizations deploys it to every
 * account there, and automatically to each account that joins later. Deploy it from the
 * organization's management account (or a delegated administrator); it scales past the handful of
 * accounts that a pipeline deploys to.
 *
 * The baseline is synthesized into a template of its own that needs nothing from the target
 * accounts: no assets, no bootstrap stack, no parameters (its custom resource's code is inline).
 *
 * @example
 * import * as cdk from 'aws-cdk-lib';
 * import { ComplianceBaselineStackSet, EnvironmentTier } from 'cdk-multi-env';
 *
 * const app = new cdk.App();
 * const management = new cdk.Stack(app, 'OrgBaseline', { env: { account: '111111111111', region: 'eu-west-1' } });
 * new ComplianceBaselineStackSet(management, 'Workloads', {
 *   tier: EnvironmentTier.PROD,
 *   organizationalUnitIds: ['ou-ab12-cdefgh34'],
 *   regions: ['eu-west-1'],
 * });
 */
export class ComplianceBaselineStackSet extends Construct {
  /** The StackSet. */
  public readonly stackSet: CfnStackSet;
  /** The template every account gets, as JSON. */
  public readonly templateBody: string;
  /**
   * The baseline the template is synthesized from, in a stack of its own outside your app (for
   * inspection, for example by cdk-nag's rule packs).
   */
  public readonly baseline: ComplianceBaseline;

  constructor(scope: Construct, id: string, props: ComplianceBaselineStackSetProps) {
    super(scope, id);
    const stackSetName = props.stackSetName ?? `compliance-baseline-${props.tier.name}`;
    this.validate(props, stackSetName);

    // An app of its own, written to a directory of its own (never the CLI's output directory).
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-multi-env-stackset-'));
    try {
      const app = new App({
        outdir,
        autoSynth: false,
        treeMetadata: false,
        stackTraces: false,
        analyticsReporting: false,
        // Over what the CDK CLI passes: construct paths on every resource would make the template
        // depend on how the app is run, and cost it a sixth of its size limit.
        postCliContext: { [PATH_METADATA]: false },
      });
      const stack = new Stack(app, 'ComplianceBaseline', {
        // No bootstrap stack in the target accounts: no BootstrapVersion parameter, and any asset fails synth.
        synthesizer: new BootstraplessSynthesizer(),
        description: `Compliance baseline (${props.tier.name} tier), deployed by the StackSet ${stackSetName}`,
      });
      // The StackSet's own props mean nothing to the baseline, which reads the tier and the options.
      this.baseline = new ComplianceBaseline(stack, 'Baseline', props);
      this.templateBody = JSON.stringify(app.synth().getStackByName(stack.stackName).template);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
    const size = Buffer.byteLength(this.templateBody);
    if (size > MAX_TEMPLATE_BODY) {
      throw validationError(`ComplianceBaselineStackSet '${id}': the baseline's template is ${size} bytes, more than the ${MAX_TEMPLATE_BODY} a StackSet's TemplateBody takes; switch parts off (cisAlarms, configRules) or split them over two StackSets`, this);
    }

    this.stackSet = new CfnStackSet(this, 'Resource', {
      stackSetName,
      description: `Compliance baseline (${props.tier.name} tier) in every account of ${props.organizationalUnitIds.join(', ')}`,
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? true },
      callAs: props.delegatedAdministrator ? 'DELEGATED_ADMIN' : 'SELF',
      capabilities: ['CAPABILITY_IAM'],
      managedExecution: { Active: true },
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: 'PARALLEL' },
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: props.organizationalUnitIds }, regions: props.regions }],
      templateBody: this.templateBody,
    });
  }

  private validate(props: ComplianceBaselineStackSetProps, stackSetName: string): void {
    const errors = new ValidationErrors(`ComplianceBaselineStackSet '${this.node.id}'`, this);
    if (props.stackSetName !== undefined) checkName(errors, 'stackSetName', stackSetName);
    if (props.organizationalUnitIds.length === 0) {
      errors.add('organizationalUnitIds', 'is empty; give at least one organizational unit (ou-...) or the root (r-...)');
    }
    for (const ou of props.organizationalUnitIds.filter(o => !Token.isUnresolved(o) && !ORG_TARGET.test(o))) {
      errors.add('organizationalUnitIds', `has '${ou}'; expected an organizational unit id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)`);
    }
    if (props.regions.length === 0) errors.add('regions', 'is empty; give at least one region');
    for (const region of props.regions.filter(r => !Token.isUnresolved(r) && !RegionInfo.regions.some(known => known.name === r))) {
      errors.add('regions', `has '${region}'; expected an AWS region such as eu-west-1`);
    }
    if ((props.cloudTrail ?? true) && props.regions.length > 1) {
      errors.add('regions', `has ${props.regions.length} regions, but the baseline's trail records every region from one: give one region, and deploy a second StackSet with cloudTrail false for the others`);
    }
    errors.throwIfAny();
  }
}
