import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { WITH_ROLE } from './assume-role-shell';
import { CodeBuildJob, JobSpec } from './codebuild-job';
import { IsolatedEnvironment } from '../environment';
import { assumeBootstrapRoles, bootstrapRoleArn } from '../private/bootstrap-roles';
import { stacksOf } from '../private/stage-stacks';

/** The files the review leaves for the approver and for the deploys. */
const CHANGES_FILE = 'changes.txt';
const DEPLOYED_FILE = 'deployed-templates.txt';
/** The pipeline execution the review was made in. */
const EXECUTION_FILE = 'execution.txt';

/** The variable that tells a review or a deploy which pipeline execution it runs in. */
const EXECUTION = { EXECUTION_ID: '#{codepipeline.PipelineExecutionId}' };

/**
 * `fingerprint FILE STACK...` writes one line per stack (given as `name|region|lookup role ARN`)
 * into FILE: its name and the SHA-256 of its deployed template (of nothing, for a stack not
 * deployed yet), read with the lookup role.
 */
const FINGERPRINT = 'fingerprint() { local file="$1" name region role t; shift; : > "$file"; for s in "$@"; do IFS="|" read -r name region role <<< "$s"; '
  + 't=$(with_role "$role" aws cloudformation get-template --region "$region" --stack-name "$name" --query TemplateBody --output json 2>/tmp/err.txt) '
  + '|| grep -q "does not exist" /tmp/err.txt || { cat /tmp/err.txt; return 1; }; echo "$name $(printf %s "$t" | sha256sum | cut -c1-64)" >> "$file"; done; }';

/**
 * The job before a change review's one approval: it prints the change of every stack of a wave
 * against what is deployed (`cdk diff` of the cloud assembly), and records a fingerprint of each
 * stack's deployed template. It may assume the environments' CDK lookup roles only (read-only): it
 * reads templates, and can deploy nothing.
 *
 * What is deployed after the approval is what was reviewed: the deploys read the same cloud
 * assembly (the same commit's templates), and each takes its stacks' fingerprints again before
 * deploying; if a stack changed in between (a deploy by hand, another run), that deploy stops, and
 * the change must be released again to be reviewed anew.
 */
export class ChangeReviewJob extends CodeBuildJob {
  /** A stack as the `fingerprint` shell function takes it. */
  public static fingerprintEntry(stack: Stack): string {
    return `${stack.stackName}|${stack.region}|${bootstrapRoleArn(stack, 'lookup')}`;
  }

  /**
   * Commands that fail a deploy's build unless the deployed template of each of the stacks in
   * `$REVIEWED_STACKS` (fingerprint entries) is still the one reviewed; `reviewed` is the review's
   * output directory. A deploy in another pipeline execution than the review's is CodePipeline
   * rolling the stage back to the last execution that succeeded, with that execution's reviewed
   * templates, over stacks this pipeline has changed since: it is not checked.
   */
  public static unchangedSinceReviewCommands(reviewed: string): string[] {
    return [
      WITH_ROLE,
      FINGERPRINT,
      `if [ "$(cat "${reviewed}/${EXECUTION_FILE}")" != "$EXECUTION_ID" ]; then echo "Rolling back to the templates reviewed in execution $(cat "${reviewed}/${EXECUTION_FILE}")"; `
        + 'else fingerprint /tmp/now-deployed.txt $REVIEWED_STACKS; '
        + `CHANGED=$(grep -v -x -F -f "${reviewed}/${DEPLOYED_FILE}" /tmp/now-deployed.txt || true); `
        + 'if [ -n "$CHANGED" ]; then echo "These stacks changed after the review: $(echo "$CHANGED" | cut -d" " -f1 | tr "\\n" " ")"; '
        + 'echo "Nothing was deployed. Release the change again to review it anew."; exit 1; fi; fi',
    ];
  }

  /** The variables of a deploy that checks a review: the pipeline execution it runs in. */
  public static get deployVariables(): Record<string, string> {
    return EXECUTION;
  }

  private readonly stacks: Stack[];

  constructor(id: string, private readonly environments: IsolatedEnvironment[], assembly: pipelines.FileSet, private readonly cdkCliVersion: string) {
    super(id, assembly);
    this.stacks = environments.flatMap(env => stacksOf(env));
    this.configurePrimaryOutput(new pipelines.FileSet('Review', this));
  }

  /** Where the approver reads the review: the job's builds in the CodeBuild console. */
  public get reviewUrl(): string {
    return Lazy.string({
      produce: () => {
        const { region } = Stack.of(this.project!);
        return `https://${region}.console.aws.amazon.com/codesuite/codebuild/projects/${this.project!.projectName}/history?region=${region}`;
      },
    });
  }

  /** The stacks the review covers, for the approval's comment. */
  public get stackNames(): string[] {
    return this.stacks.map(s => s.stackName);
  }

  protected get description(): string {
    return `Reviews the change of ${this.environments.map(e => e.environmentName).join(', ')} before its approval`;
  }

  protected spec(): JobSpec {
    return {
      buildSpec: {
        env: { shell: 'bash' },
        phases: {
          install: { commands: [`npm install -g aws-cdk@${this.cdkCliVersion}`] },
          build: {
            commands: [
              `set -o pipefail; cdk -a . diff --no-change-set --no-notices ${this.stacks.map(s => `"${s.node.path}"`).join(' ')} 2>&1 | tee ${CHANGES_FILE}`,
              WITH_ROLE,
              FINGERPRINT,
              `fingerprint ${DEPLOYED_FILE} ${this.stacks.map(s => `"${ChangeReviewJob.fingerprintEntry(s)}"`).join(' ')}`,
              `echo "$EXECUTION_ID" > ${EXECUTION_FILE}`,
            ],
          },
        },
        artifacts: { files: [CHANGES_FILE, DEPLOYED_FILE, EXECUTION_FILE] },
      },
      actionVariables: EXECUTION,
    };
  }

  protected permissions(): iam.PolicyStatement[] {
    return [assumeBootstrapRoles(this.stacks, ['lookup'])];
  }
}
