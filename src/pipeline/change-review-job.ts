import * as path from 'path';
import { Lazy, Stack, Stage } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { DIGEST_VARIABLE, SUMMARY_VARIABLE } from './approval-limits';
import { EXECUTION_VARIABLE } from './awaited-actions';
import { CLOUDFORMATION_DIFF_VERSION } from './cli-versions';
import { CodeBuildJob, describingEnvironments, JobSpec } from './codebuild-job';
import { LISTED_FILES, listPlan } from './orphan-cleanup';
import { IsolatedEnvironment } from '../environment';
import { assumeEnvironmentRoles, reviewRoleOf } from './private/environment-roles';
import { GateScript, JobScript } from './private/gate-scripts';
import { PlanVariables } from './private/job-plan';
import { servingRolePath } from '../private/pipeline-role-paths';
import { stacksOf } from '../private/stage-stacks';

/**
 * The files the review leaves in its output, for the approver and the deploys
 * (src/pipeline/jobs/change-review.sh writes them: review.txt and summary.txt by the review script;
 * every file of the cloud assembly it read with its SHA-256; the deployed templates' fingerprints).
 */
const REVIEW_FILES = ['review.txt', 'summary.txt', 'deployed-templates.txt', 'assembly-files.txt'];


/**
 * What the review job exports (its spec's `env.exported-variables`), which CodePipeline keeps with
 * the execution, out of reach of anyone who may write to the artifact bucket: the one-line summary
 * for its approval; the digest of its record (`record_digest`), shown in the approval and checked
 * by each deploy; the execution it reviewed in; and the link to its build, for the approval.
 */
const REVIEWED_IN_VARIABLE = 'REVIEWED_IN';
const URL_VARIABLE = 'REVIEW_URL';

/**
 * The job before a change review's one approval. It reads the deployed template of every stack of
 * a wave with the environments' review roles (read-only: it can deploy nothing), detects each
 * deployed stack's drift, lists the stacks the environments deployed earlier that the app no longer
 * has, and writes the review the approver reads in its log (review.txt in its output): resources
 * changed by hand since the last deploy (which the deploy would set back) first; per stack, the
 * resources added, modified, replaced and removed; replacements, deletions, IAM, security-group,
 * key-policy and deletion-policy changes first; the stacks the deploys will delete; stacks without
 * change marked; then the full difference as `cdk diff` prints it. Its one-line summary goes into
 * the approval and its notification.
 *
 * What is deployed after the approval is what was reviewed. The review records every file of the
 * cloud assembly it read (templates, asset manifests, assets) with its SHA-256, and the deployed
 * templates' fingerprints, and exports the digest of that record as a CodePipeline variable, which
 * the approval shows and which no one who may write to the artifact bucket can change. Right before
 * deploying, each deploy checks, with the pipeline's own commands, that the review's record is the
 * one with that digest, that its assembly's files are the ones recorded, and that each stack's
 * deployed template is still the one reviewed; where anything differs (a file of the assembly, an
 * artifact overwritten by a later push, a deploy by hand, another run), it deploys nothing, names
 * what differs, and the change must be released again to be reviewed anew. This is what
 * CloudFormation's change sets give CDK Pipelines (the approved change set is the one executed),
 * kept with the faster `cdk deploy --method=direct`, which has no change set to approve.
 *
 * The review and orphan scripts are the pipeline's own (`GateScripts`: assets of its stack, checked
 * against their SHA-256), never the synth output's: a hotfix branch decides what its templates say,
 * not how the approver is shown them.
 *
 * The review script is written by hand (src/pipeline/review/) on `@aws-cdk/cloudformation-diff`,
 * the CDK's own template diff, because `cdk diff` prints text for a terminal, per stack, with
 * nothing a notification can carry and no order by gravity across the stacks of a stage.
 */
export class ChangeReviewJob extends CodeBuildJob {
  /** A stack as the `fingerprint` shell function takes it. */
  public static fingerprintEntry(stack: Stack): string {
    return `${stack.stackName}|${stack.region}|${reviewRoleOf(stack)}`;
  }

  private readonly stacks: Stack[];
  /** The namespace of the variables it exports. */
  private readonly namespace: string;

  /**
   * @param wave the wave it reviews: its name, or its one environment's stage name
   * @param source the lane's source: a full clone of the commit under review (its history)
   * @param otherLane the lane whose production deploys this one must not undo, if there is one
   */
  constructor(id: string, wave: string, private readonly environments: IsolatedEnvironment[], assembly: pipelines.FileSet, source: pipelines.FileSet,
    private readonly otherLane?: OtherLane) {
    super(id, source, [assembly]);
    this.stacks = environments.flatMap(env => stacksOf(env));
    // One per wave of a pipeline (a wave's name has at most 91 characters, a namespace 100, without dots).
    this.namespace = `Review_${wave.replace(/[^A-Za-z0-9@_-]/g, '_')}`;
    this.configurePrimaryOutput(new pipelines.FileSet('Review', this));
  }

  /**
   * Where the approver reads the review: this execution's review build in the CodeBuild console
   * (`CODEBUILD_BUILD_URL`, which CodeBuild sets in every build:
   * https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html), as a
   * CodePipeline variable, which an approval's URL for review may hold
   * (https://docs.aws.amazon.com/codepipeline/latest/userguide/actions-variables.html, "Example: Use
   * variables in manual approvals").
   */
  public get reviewUrl(): string {
    return `#{${this.namespace}.${URL_VARIABLE}}`;
  }

  /** The review's one-line summary, as a CodePipeline variable for the approval's comment. */
  public get summary(): string {
    return Lazy.string({ produce: () => `#{${this.namespace}.${SUMMARY_VARIABLE}}` });
  }

  /** The digest of the review's record (64 hexadecimal digits), as a CodePipeline variable for the approval's comment. */
  public get digest(): string {
    return Lazy.string({ produce: () => `#{${this.namespace}.${DIGEST_VARIABLE}}` });
  }

  /**
   * The variables of a deploy that checks this review: the pipeline execution it runs in, the one
   * the review was made in, and the review's digest.
   */
  public get deployVariables(): Record<string, string> {
    return {
      ...EXECUTION_VARIABLE,
      [REVIEWED_IN_VARIABLE]: `#{${this.namespace}.${REVIEWED_IN_VARIABLE}}`,
      [DIGEST_VARIABLE]: `#{${this.namespace}.${DIGEST_VARIABLE}}`,
    };
  }

  protected get description(): string {
    return describingEnvironments(this.environments, names => `Reviews the change of ${names} before its approval`);
  }

  protected spec([assembly]: string[]): JobSpec {
    // `review_change` (src/pipeline/jobs/change-review.sh) runs both scripts.
    this.gateScript(GateScript.REVIEW);
    this.gateScript(GateScript.ORPHAN);
    const other = this.otherLane;
    const otherLane = other ? ` --other-lane "${other.label}|${other.pipelineName}|${sourceActionOf(other.pipeline)}|${other.productionStages.join(',')}"` : '';
    return {
      buildSpec: {
        env: {
          'shell': 'bash',
          'variables': { REVIEW_TOOLS: '/tmp/review-tools' },
          'exported-variables': [SUMMARY_VARIABLE, DIGEST_VARIABLE, REVIEWED_IN_VARIABLE, URL_VARIABLE],
        },
        phases: {
          install: { commands: [`npm install --no-save --no-audit --no-fund --prefix "$REVIEW_TOOLS" @aws-cdk/cloudformation-diff@${CLOUDFORMATION_DIFF_VERSION}`] },
          build: {
            commands: [
              this.writePlan({ job: this.planVariables() }, 'job'),
              this.source(JobScript.CHANGE_REVIEW),
              `review_change "${assembly}"${otherLane}`,
            ],
          },
        },
        artifacts: { files: [...REVIEW_FILES, LISTED_FILES] },
      },
      actionVariables: EXECUTION_VARIABLE,
      variablesNamespace: this.namespace,
    };
  }

  /**
   * What the review reads from its plan: each stack as `fingerprint` takes it, each stack as the
   * review script takes it (its environment, its name and its template's path in the cloud
   * assembly), and the environments whose orphans it lists.
   */
  private planVariables(): PlanVariables {
    return {
      REVIEWED_STACKS: this.stacks.map(stack => ChangeReviewJob.fingerprintEntry(stack)),
      REVIEW_ENTRIES: this.stacks.map(stack => {
        const template = path.relative((stack.node.root as Stage).outdir, path.join(Stage.of(stack)!.outdir, stack.templateFile));
        const environment = this.environments.find(env => stacksOf(env).includes(stack))!.environmentName;
        return `${environment}|${stack.stackName}|${template}`;
      }),
      ...listPlan(this.environments),
    };
  }

  /** The path the environments' review roles trust, which names them. */
  protected rolePath(): string {
    return servingRolePath('review', this.environments);
  }

  protected permissions(): iam.PolicyStatement[] {
    const statements = [assumeEnvironmentRoles(this.environments, 'review')];
    if (this.otherLane) {
      statements.push(new iam.PolicyStatement({
        actions: ['codepipeline:ListActionExecutions', 'codepipeline:ListPipelineExecutions'],
        resources: [Stack.of(this.otherLane.pipeline).formatArn({ service: 'codepipeline', resource: this.otherLane.pipelineName })],
      }));
    }
    return statements;
  }
}

/**
 * The other lane of a review: the one whose production deploys this review must not undo (for the
 * main pipeline, the hotfix lane's; for the hotfix lane, the main pipeline's).
 */
export interface OtherLane {
  /** How the review calls it: `hotfix lane`, `main pipeline`. */
  readonly label: string;
  readonly pipeline: codepipeline.Pipeline;
  /**
   * Its name, as given at synth: the two lanes' reviews name each other's pipeline, which by the
   * pipelines' own name attributes would be a dependency cycle between them.
   */
  readonly pipelineName: string;
  /** Its stages that deploy production (the same names in both lanes). */
  readonly productionStages: string[];
}

/** A lane's source action, whose revision is the commit an execution deploys: known once the lane is built. */
function sourceActionOf(pipeline: codepipeline.Pipeline): string {
  return Lazy.string({ produce: () => pipeline.stages[0].actions[0].actionProperties.actionName });
}
