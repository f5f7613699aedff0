import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { WITH_ROLE } from './assume-role-shell';
import { CodeBuildJob, JobSpec } from './codebuild-job';
import { OrphanMode } from './orphan-mode';
import { IsolatedEnvironment } from '../environment';
import { FETCH_BUNDLE } from './private/checked-bundle';
import { GateScript, GateScripts } from './private/gate-scripts';
import { JobPlan, PlanVariables } from './private/job-plan';
import { assumeReviewRoles } from './private/review-roles';
import { servingRolePath } from '../private/pipeline-role-paths';
import { stacksOf } from '../private/stage-stacks';
import { ApprovalGate } from '../tiers';
import { SUMMARY_LIMIT } from './approval-limits';
import { JOB_TMP } from './private/job-temp';

/** Where a list run writes its files, in its job's output. */
export const LISTED_FILES = 'orphans-*.txt';

/** The variable a listing job exports for its approval's comment. */
const LISTED_VARIABLE = 'ORPHANS';

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

/** The variables of an environment's deploy build for its orphan clean-up. */
export function cleanupVariables(env: IsolatedEnvironment, mode: OrphanMode): Record<string, string> {
  return {
    ORPHAN_MODE: mode,
    ORPHAN_SEARCH: searchOf(env),
    ORPHAN_REGIONS: regionsOf(env).join(' '),
    STACK_CLEANUP_ROLE_ARN: env.stackCleanupRoleArn,
  };
}

/** A deploy build's stack clean-up: the search, which may run before the deploy has ended, and the deletion after it. */
export interface CleanupCommands {
  /** Read every stack of the environment's regions with its stack clean-up role, and find the orphans. */
  readonly search: string[];
  /** Delete those the mode allows. */
  readonly deletion: string[];
}

/**
 * The stack clean-up of a deploy build (`listed`: the directory of the list run before the
 * approval), once the build has fetched the orphan script and read its plan (`cleanupVariables`).
 * The search finds the stacks tagged for the environment that the app does not have, so
 * the stacks the deploy creates are never among them, and it may run while the deploy still runs;
 * the deletion runs once the deploy has succeeded. CloudFormation deletes each stack with the role
 * it was deployed with; the build does not wait for the deletion (the next run reports a failed one).
 */
export function cleanupCommands(listed?: string): CleanupCommands {
  const approved = listed ? ` --approved "${listed}/orphans-$ENVIRONMENT_NAME.txt"` : '';
  const script = GateScripts.directoryOf(GateScript.ORPHAN);
  return {
    search: [
      WITH_ROLE,
      'echo "== StackCleanup of $ENVIRONMENT_NAME =="',
      `for r in $ORPHAN_REGIONS; do with_role "$STACK_CLEANUP_ROLE_ARN" aws cloudformation describe-stacks --region "$r" --output json > "${JOB_TMP}/stacks-$r.json" || exit 1; done`,
      `node "${script}/index.js" "$ORPHAN_MODE" "${JOB_TMP}/orphans" "$ORPHAN_SEARCH"${approved} "${JOB_TMP}"/stacks-*.json`,
    ],
    deletion: [
      WITH_ROLE,
      'while read -r name region; do echo "Deleting stack $name ($region)"; '
        + 'with_role "$STACK_CLEANUP_ROLE_ARN" aws cloudformation delete-stack --region "$region" --stack-name "$name" || exit 1; '
        + `done < "${JOB_TMP}/orphans/orphans-$ENVIRONMENT_NAME.txt"`,
    ],
  };
}

/**
 * What `listCommands` reads from a job's plan: per environment (the same index in each array), its
 * name, its review role, its regions and its search argument.
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
 * The commands that list the orphans of the environments of the job's plan (`listPlan`) for an
 * approval, into `outDir`, reading the stacks with the environments' review roles (read-only).
 */
export function listCommands(script: string, outDir: string): string[] {
  return [
    WITH_ROLE,
    'for i in "${!LIST_ENVIRONMENTS[@]}"; do e="${LIST_ENVIRONMENTS[i]}"; '
      + `mkdir -p "${JOB_TMP}/stacks/$e" && for r in \${LIST_REGIONS[i]}; do with_role "\${LIST_ROLES[i]}" aws cloudformation describe-stacks --region "$r" `
      + `--output json > "${JOB_TMP}/stacks/$e/$r.json" || exit 1; done; `
      + `node "${script}/index.js" ${OrphanMode.LIST} "${outDir}" "\${LIST_SEARCHES[i]}" "${JOB_TMP}/stacks/$e"/*.json || exit 1; done`,
  ];
}

/**
 * The job before a wave's approval (where no change review does it) that lists the stacks of the
 * wave's environments that the app no longer has: the approval's comment names them, and the
 * deploys after the approval delete those and no others. It reads with the environments' review roles.
 */
export class OrphanListingJob extends CodeBuildJob {
  /** The pipeline's own orphan script, once the job is in its stack. */
  private gateScripts?: GateScripts;
  private readonly namespace: string;

  constructor(id: string, wave: string, private readonly environments: IsolatedEnvironment[], assembly: pipelines.FileSet) {
    super(id, assembly);
    this.namespace = `Orphans_${wave.replace(/[^A-Za-z0-9@_-]/g, '_')}`;
    this.configurePrimaryOutput(new pipelines.FileSet('Orphans', this));
  }

  /** The listing's one line, as a CodePipeline variable for the approval's comment. */
  public get summary(): string {
    return `#{${this.namespace}.${LISTED_VARIABLE}}`;
  }

  public produceAction(stage: Parameters<CodeBuildJob['produceAction']>[0], options: pipelines.ProduceActionOptions): pipelines.CodePipelineActionFactoryResult {
    this.gateScripts = GateScripts.of(options.scope);
    return super.produceAction(stage, options);
  }

  protected get description(): string {
    return `Lists the stacks of ${this.environments.map(e => e.environmentName).join(', ')} that the app no longer has, before the approval`;
  }

  protected spec(): JobSpec {
    return {
      buildSpec: {
        env: { 'shell': 'bash', 'exported-variables': [LISTED_VARIABLE] },
        phases: {
          build: {
            commands: [
              FETCH_BUNDLE,
              this.writePlan({ job: listPlan(this.environments) }),
              ...this.gateScripts!.fetchCommands(GateScript.ORPHAN),
              JobPlan.read('job'),
              ...listCommands(GateScripts.directoryOf(GateScript.ORPHAN), '.'),
              // The environments' one-line summaries, for the approval's comment.
              `${LISTED_VARIABLE}="$(cat orphans-*-summary.txt | paste -sd ';' | cut -c1-${SUMMARY_LIMIT})"`,
              `export ${LISTED_VARIABLE}="\${${LISTED_VARIABLE}:-none}"`,
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
    return [assumeReviewRoles(this.environments), this.gateScripts!.readStatement(GateScript.ORPHAN)];
  }
}

/** Permission to assume the environments' stack clean-up roles. */
export function assumeCleanupRoles(environments: IsolatedEnvironment[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: environments.map(env => env.stackCleanupRoleArn) });
}
