import * as path from 'path';
import { Lazy, Stack, Stage } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { WITH_ROLE } from './assume-role-shell';
import { CLOUDFORMATION_DIFF_VERSION } from './cli-versions';
import { CodeBuildJob, JobSpec } from './codebuild-job';
import { LISTED_FILES, listCommands, listPlan } from './orphan-cleanup';
import { IsolatedEnvironment } from '../environment';
import { FETCH_BUNDLE } from './private/checked-bundle';
import { GateScript, GateScripts } from './private/gate-scripts';
import { JobPlan, PlanVariables } from './private/job-plan';
import { assumeReviewRoles, reviewRoleOf } from './private/review-roles';
import { servingRolePath } from '../private/pipeline-role-paths';
import { stacksOf } from '../private/stage-stacks';
import { JOB_TMP } from './private/job-temp';

/** The files the review leaves for the approver (written by the review script) and for the deploys. */
const REVIEW_FILE = 'review.txt';
const SUMMARY_FILE = 'summary.txt';
const DEPLOYED_FILE = 'deployed-templates.txt';
/** Where the review keeps each deployed template it read, as `<stack name>.json`. */
const DEPLOYED_DIR = 'deployed';
/** Every file of the cloud assembly the review read, with its SHA-256, as `sha256sum` prints them. */
const ASSEMBLY_FILE = 'assembly-files.txt';

/** The variable that tells a review or a deploy which pipeline execution it runs in. */
const EXECUTION = { EXECUTION_ID: '#{codepipeline.PipelineExecutionId}' };

/**
 * What the review job exports (its spec's `env.exported-variables`), which CodePipeline keeps with
 * the execution, out of reach of anyone who may write to the artifact bucket: the one-line summary
 * for its approval; the digest of its record (`RECORD_DIGEST`), shown in the approval and checked
 * by each deploy; the execution it reviewed in; and the link to its build, for the approval.
 */
const SUMMARY_VARIABLE = 'REVIEW_SUMMARY';
const DIGEST_VARIABLE = 'REVIEW_DIGEST';
const REVIEWED_IN_VARIABLE = 'REVIEWED_IN';
const URL_VARIABLE = 'REVIEW_URL';

/**
 * `assembly_files DIR` prints every file under DIR with its SHA-256, sorted by path (`sha256sum`'s
 * lines: 64 hex digits, two spaces, `./path`): the templates, the asset manifests and every asset
 * the deploy publishes from the assembly.
 */
const ASSEMBLY_FILES = 'assembly_files() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum); }';

/**
 * `record_digest DIR` prints the SHA-256 of the review's record in DIR (its output): the assembly's
 * files, the deployed templates' fingerprints and the stacks listed for deletion. It is the digest
 * the approval shows: the same digest means the same templates, assets, starting state and deletions.
 */
const RECORD_DIGEST = `record_digest() { (cd "$1" && cat ${ASSEMBLY_FILE} ${DEPLOYED_FILE} $(ls orphans-*.txt 2>/dev/null | LC_ALL=C sort) | sha256sum | cut -c1-64); }`;

/**
 * `fingerprint FILE STACK...` writes one line per stack (given as `name|region|review role ARN`)
 * into FILE: its name and the SHA-256 of its deployed template (of nothing, for a stack not
 * deployed yet), read with the review role. With `$KEEP_IN` set, it also keeps each deployed
 * template there, as `<name>.json`.
 */
const FINGERPRINT = 'fingerprint() { local file="$1" name region role t; shift; : > "$file"; for s in "$@"; do IFS="|" read -r name region role <<< "$s"; '
  + `t=$(with_role "$role" aws cloudformation get-template --region "$region" --stack-name "$name" --query TemplateBody --output json 2>"${JOB_TMP}/err.txt") `
  + `|| grep -q "does not exist" "${JOB_TMP}/err.txt" || { cat "${JOB_TMP}/err.txt"; return 1; }; echo "$name $(printf %s "$t" | sha256sum | cut -c1-64)" >> "$file"; `
  + '[ -z "$KEEP_IN" ] || [ -z "$t" ] || printf %s "$t" > "$KEEP_IN/$name.json"; done; }';

/** Where the review keeps each deployed stack's drift, as `<stack name>.json` (or `.error`). */
const DRIFT_DIR = 'drift';

/**
 * `drift_of NAME REGION ROLE` detects the drift of a deployed stack with its review role and writes
 * its drifted resources into `$DRIFT_DIR/NAME.json`, or why it could not into `NAME.error`; a stack
 * not deployed yet has neither. Detection takes seconds to minutes per stack: the job runs it for
 * every stack at once, and waits at most ten minutes for each.
 */
const DRIFT_OF = 'drift_of() { local name="$1" region="$2" role="$3" id s i; '
  + `id=$(with_role "$role" aws cloudformation detect-stack-drift --region "$region" --stack-name "$name" --query StackDriftDetectionId --output text 2>"${JOB_TMP}/drift-$name.txt") `
  + `|| { grep -q "does not exist" "${JOB_TMP}/drift-$name.txt" || cp "${JOB_TMP}/drift-$name.txt" "${DRIFT_DIR}/$name.error"; return 0; }; `
  + 'for i in $(seq 120); do s=$(with_role "$role" aws cloudformation describe-stack-drift-detection-status --region "$region" --stack-drift-detection-id "$id" '
  + '--query DetectionStatus --output text) || break; [ "$s" != DETECTION_IN_PROGRESS ] && break; sleep 5; done; '
  + 'with_role "$role" aws cloudformation describe-stack-resource-drifts --region "$region" --stack-name "$name" --stack-resource-drift-status-filters MODIFIED DELETED '
  + `--output json > "${DRIFT_DIR}/$name.json" 2>"${DRIFT_DIR}/$name.error" && rm -f "${DRIFT_DIR}/$name.error"; }`;

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

  /**
   * Commands that fail a deploy's build unless what it is about to deploy is what was reviewed
   * (`reviewed`: the review's output directory; `assembly`: the deploy's cloud assembly; the
   * deploy's variables are `deployVariables`): the review's record is the one whose digest the review
   * exported, every file of the assembly is the one recorded, and the deployed template of each of
   * the stacks in `$REVIEWED_STACKS` (fingerprint entries) is still the one reviewed. A deploy in
   * another pipeline execution than the review's is CodePipeline rolling the stage back to the last
   * execution that succeeded, with that execution's assembly, review and variables
   * (https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html: "CodePipeline will
   * use the variables and artifacts from the execution to which it is rolling back"), over stacks
   * this pipeline has changed since: its assembly is checked, its deployed templates are not.
   */
  public static checkBeforeDeployCommands(reviewed: string, assembly: string): string[] {
    const stop = 'echo "Nothing was deployed. Release the change again to review it anew."; exit 1';
    return [
      WITH_ROLE,
      FINGERPRINT,
      ASSEMBLY_FILES,
      RECORD_DIGEST,
      `[ -n "$${DIGEST_VARIABLE}" ] && [ "$(record_digest "${reviewed}")" = "$${DIGEST_VARIABLE}" ] `
        + `|| { echo "The review's record in its output is not the one the review made (review digest \${${DIGEST_VARIABLE}:-missing}): it was changed after the review."; ${stop}; }`,
      `assembly_files "${assembly}" > "${JOB_TMP}/assembly-files.txt"; `
        + `DIFFERENT=$({ grep -v -x -F -f "${reviewed}/${ASSEMBLY_FILE}" "${JOB_TMP}/assembly-files.txt"; grep -v -x -F -f "${JOB_TMP}/assembly-files.txt" "${reviewed}/${ASSEMBLY_FILE}"; } | cut -c67- | LC_ALL=C sort -u | tr "\\n" " "); `
        + `if [ -n "$DIFFERENT" ]; then echo "These files of the cloud assembly are not the ones reviewed (review digest $${DIGEST_VARIABLE}): $DIFFERENT"; ${stop}; fi`,
      `if [ "$${REVIEWED_IN_VARIABLE}" != "$EXECUTION_ID" ]; then echo "Rolling back to the templates reviewed in execution $${REVIEWED_IN_VARIABLE} (review digest $${DIGEST_VARIABLE})"; `
        + `else fingerprint "${JOB_TMP}/now-deployed.txt" $REVIEWED_STACKS; `
        + `CHANGED=$(grep -v -x -F -f "${reviewed}/${DEPLOYED_FILE}" "${JOB_TMP}/now-deployed.txt" || true); `
        + 'if [ -n "$CHANGED" ]; then echo "These stacks changed after the review: $(echo "$CHANGED" | cut -d" " -f1 | tr "\\n" " ")"; '
        + `${stop}; fi; fi`,
    ];
  }

  private readonly stacks: Stack[];
  /** The pipeline's own review and orphan scripts, once the job is in its stack. */
  private gateScripts?: GateScripts;
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
      ...EXECUTION,
      [REVIEWED_IN_VARIABLE]: `#{${this.namespace}.${REVIEWED_IN_VARIABLE}}`,
      [DIGEST_VARIABLE]: `#{${this.namespace}.${DIGEST_VARIABLE}}`,
    };
  }

  public produceAction(stage: codepipeline.IStage, options: pipelines.ProduceActionOptions): pipelines.CodePipelineActionFactoryResult {
    // The scripts come from the pipeline's own definition, never from the commit under review.
    this.gateScripts = GateScripts.of(options.scope);
    return super.produceAction(stage, options);
  }

  protected get description(): string {
    return `Reviews the change of ${this.environments.map(e => e.environmentName).join(', ')} before its approval`;
  }

  protected spec([assembly]: string[]): JobSpec {
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
              // First, what it reviews: every file of the assembly, with its SHA-256.
              ASSEMBLY_FILES,
              `assembly_files "${assembly}" > ${ASSEMBLY_FILE}`,
              FETCH_BUNDLE,
              this.writePlan({ job: this.planVariables() }),
              ...this.gateScripts!.fetchCommands(GateScript.REVIEW, GateScript.ORPHAN),
              JobPlan.read('job'),
              WITH_ROLE,
              FINGERPRINT,
              `mkdir -p ${DEPLOYED_DIR} && KEEP_IN=${DEPLOYED_DIR} fingerprint ${DEPLOYED_FILE} "\${REVIEWED_STACKS[@]}"`,
              // Hand-made changes the deploy would undo: every stack's drift, detected side by side.
              DRIFT_OF,
              `mkdir -p ${DRIFT_DIR} && { for s in "\${REVIEWED_STACKS[@]}"; do IFS="|" read -r name region role <<< "$s"; drift_of "$name" "$region" "$role" & done; wait; }`,
              ...listCommands(GateScripts.directoryOf(GateScript.ORPHAN), '.'),
              // Each stack as the review script takes it: its environment, its name, its template and where the deployed one was kept.
              `entries=(); for e in "\${REVIEW_ENTRIES[@]}"; do IFS="|" read -r env name template <<< "$e"; entries+=("$env|$name|${assembly}/$template|${DEPLOYED_DIR}/$name.json"); done`,
              `NODE_PATH="$REVIEW_TOOLS/node_modules" node "${GateScripts.directoryOf(GateScript.REVIEW)}/index.js" .${otherLane} --drift ${DRIFT_DIR} --orphans . "\${entries[@]}"`,
              `export ${SUMMARY_VARIABLE}="$(cat ${SUMMARY_FILE})"`,
              RECORD_DIGEST,
              `export ${DIGEST_VARIABLE}="$(record_digest .)" ${REVIEWED_IN_VARIABLE}="$EXECUTION_ID" ${URL_VARIABLE}="$CODEBUILD_BUILD_URL"`,
              `echo "Review digest: $${DIGEST_VARIABLE} (the approval shows it; each deploy checks it before deploying)"`,
            ],
          },
        },
        artifacts: { files: [REVIEW_FILE, SUMMARY_FILE, DEPLOYED_FILE, ASSEMBLY_FILE, LISTED_FILES] },
      },
      actionVariables: EXECUTION,
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
    const statements = [assumeReviewRoles(this.environments), this.gateScripts!.readStatement(GateScript.REVIEW, GateScript.ORPHAN)];
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
