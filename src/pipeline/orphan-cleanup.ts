import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { CodeBuildJob, describingEnvironments, JobSpec } from './codebuild-job';
import { OrphanMode } from './orphan-mode';
import { IsolatedEnvironment } from '../environment';
import { assumeEnvironmentRoles } from './private/environment-roles';
import { GateScript, JobScript } from './private/gate-scripts';
import { PlanVariables } from './private/job-plan';
import { servingRolePath } from '../private/pipeline-role-paths';
import { stacksOf } from '../private/stage-stacks';
import { ApprovalGate } from '../tiers';
import { ORPHANS_VARIABLE, SUMMARY_LIMIT } from './approval-limits';

/** Where a list run writes its files, in its job's output. */
export const LISTED_FILES = 'orphans-*.txt';

/**
 * What the pipeline does with the stacks an environment deployed earlier that the app no longer
 * has (found by the stack tags every environment puts on its stacks), after its deploy:
 * - where the tier's data is throwaway (removal policy DESTROY, not production), it deletes them;
 * - where an approval comes before the deploy, it deletes those the approver saw listed (in the
 *   change review, or in the approval's comment);
 * - elsewhere (no approval covers a deletion), or where the environment's options say
 *   `deleteOrphanedStacks: false`, it reports them and deletes nothing.
 * Stacks with termination protection are never deleted (production's have it): they are reported.
 */
export function orphanModeOf(env: IsolatedEnvironment, approvalBeforeDeploy: ApprovalGate, deleteOrphanedStacks = true): OrphanMode {
  const { removalPolicy, production } = env.profile;
  if (!deleteOrphanedStacks) return OrphanMode.REPORT;
  if (removalPolicy === RemovalPolicy.DESTROY && !production) return OrphanMode.DELETE;
  return approvalBeforeDeploy === ApprovalGate.NONE ? OrphanMode.REPORT : OrphanMode.APPROVED;
}

/**
 * The orphan script's search argument for an environment: the app, the environment, the stacks it
 * has now, and the account baseline's stack, which is the account's and never deleted here (it
 * moves to another environment's stage when its holder changes).
 */
function searchOf(env: IsolatedEnvironment): string {
  return `${env.appName}|${env.environmentName}|${stacksOf(env).map(s => s.stackName).join(',')}|${env.appName}-baseline-,${env.appName}-account-baseline`;
}

/** The regions an environment's stacks are in (its own, and a backup copy's). */
function regionsOf(env: IsolatedEnvironment): string[] {
  return [...new Set(stacksOf(env).map(s => s.region))];
}

/** What an environment's deploy build reads from its plan for its orphan clean-up (src/pipeline/jobs/orphans.sh, `search_orphans`). */
export function cleanupVariables(env: IsolatedEnvironment, mode: OrphanMode): PlanVariables {
  return {
    ORPHAN_MODE: mode,
    ORPHAN_SEARCH: searchOf(env),
    ORPHAN_REGIONS: regionsOf(env),
    STACK_CLEANUP_ROLE_ARN: env.stackCleanupRoleArn,
  };
}

/**
 * What `list_orphans` (src/pipeline/jobs/orphans.sh) reads from a job's plan: per environment (the
 * same index in each array), its name, its review role, its regions and its search argument.
 */
export function listPlan(environments: IsolatedEnvironment[]): PlanVariables {
  return {
    LIST_ENVIRONMENTS: environments.map(env => env.environmentName),
    LIST_ROLES: environments.map(env => env.reviewRoleArn),
    LIST_REGIONS: environments.map(env => regionsOf(env).join(' ')),
    LIST_SEARCHES: environments.map(env => searchOf(env)),
  };
}

/**
 * The job before a wave's approval (where no change review does it) that lists the stacks of the
 * wave's environments that the app no longer has: the approval's comment names them, and the
 * deploys after the approval delete those and no others. It reads with the environments' review roles.
 */
export class OrphanListingJob extends CodeBuildJob {
  private readonly namespace: string;

  constructor(id: string, wave: string, private readonly environments: IsolatedEnvironment[], assembly: pipelines.FileSet) {
    super(id, assembly);
    this.namespace = `Orphans_${wave.replace(/[^A-Za-z0-9@_-]/g, '_')}`;
    this.configurePrimaryOutput(new pipelines.FileSet('Orphans', this));
  }

  /** The listing's one line, as a CodePipeline variable for the approval's comment. */
  public get summary(): string {
    return `#{${this.namespace}.${ORPHANS_VARIABLE}}`;
  }

  protected get description(): string {
    return describingEnvironments(this.environments, names => `Lists the stacks of ${names} that the app no longer has, before the approval`);
  }

  protected spec(): JobSpec {
    // `list_orphans` runs the orphan script.
    this.gateScript(GateScript.ORPHAN);
    return {
      buildSpec: {
        env: { 'shell': 'bash', 'exported-variables': [ORPHANS_VARIABLE] },
        phases: {
          build: {
            commands: [
              this.writePlan({ job: listPlan(this.environments) }, 'job'),
              this.source(JobScript.ORPHANS),
              'list_orphans .',
              // The environments' one-line summaries, for the approval's comment.
              `${ORPHANS_VARIABLE}="$(cat orphans-*-summary.txt | paste -sd ';' | cut -c1-${SUMMARY_LIMIT})"`,
              `export ${ORPHANS_VARIABLE}="\${${ORPHANS_VARIABLE}:-none}"`,
            ],
          },
        },
        artifacts: { files: [LISTED_FILES] },
      },
      variablesNamespace: this.namespace,
    };
  }

  /** The path the environments' review roles trust, which names them. */
  protected rolePath(): string {
    return servingRolePath('review', this.environments);
  }

  protected permissions(): iam.PolicyStatement[] {
    return [assumeEnvironmentRoles(this.environments, 'review')];
  }
}
