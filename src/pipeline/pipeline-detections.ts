import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The detail type EventBridge gives the API calls CloudTrail records; it delivers them where a
 * trail records the account's management events (ComplianceBaseline's, or Control Tower's), in the
 * region of the call (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
 */
const API_CALL = 'AWS API Call via CloudTrail';

/** The identity of a caller in a CloudTrail event that is none of `arns`, whoever it is. */
interface CallerOutside {
  /** A role's session: the role it was issued by (`sessionContext.sessionIssuer.arn`), whose ARN has the role's path. */
  readonly issuedBy: Record<string, unknown>;
  /** Any other caller (an IAM user, the root user, a federated user), by its own ARN (`userIdentity.arn`). */
  readonly ownArn?: Record<string, unknown>;
}

/**
 * The detection beside the guardrail, for the tooling accounts whose principals do not carry it
 * (or in case one does not): EventBridge rules on the API calls CloudTrail records, which tell the
 * pipeline's topic when
 * - a gate that names approvers is approved or rejected (or tried) by anyone else;
 * - a build of the pipelines' projects is started or retried by anyone but the pipelines' own
 *   roles (CodePipeline's action roles and CodeBuild's batch roles, on the app's pipeline path);
 * - a pipeline or a job project is changed other than by CloudFormation with the CDK bootstrap's
 *   execution role: the main pipeline's self-update (or a `cdk deploy` of the tooling stack).
 *
 * The caller is told apart as CloudTrail records it
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html):
 * a role's session by `sessionContext.sessionIssuer.arn`, the ARN of the role that issued it, path
 * included; any other caller by `arn`. Each rule has both, as `$or`
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
 * CloudTrail records refused calls too: an attempt is told as much as a success. Written by hand:
 * CDK Pipelines watches nothing but its own runs.
 */
export class PipelineDetections extends Construct {
  private readonly target: targets.SnsTopic;

  constructor(scope: Construct, id: string, topic: sns.ITopic) {
    super(scope, id);
    this.target = new targets.SnsTopic(topic);
  }

  /**
   * Tells when `approval` (`<stage>/<action>` of `pipelineName`) is answered by anyone but
   * `approverArns`, the ARNs of IAM roles or users (PutApprovalResult's request parameters:
   * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PutApprovalResult.html).
   */
  public approvalOutsideApprovers(id: string, pipelineName: string, approval: string, approverArns: string[]): void {
    const [stageName, actionName] = approval.split('/');
    this.rule(id, `${pipelineName}: the approval ${approval} was answered by someone who is not one of its approvers`, 'aws.codepipeline', {
      eventSource: ['codepipeline.amazonaws.com'],
      eventName: ['PutApprovalResult'],
      requestParameters: { pipelineName: [pipelineName], stageName: [stageName], actionName: [actionName] },
    }, { issuedBy: { 'anything-but': approverArns }, ownArn: { 'anything-but': approverArns } });
  }

  /**
   * Tells when a build of the projects (named `projectPrefix…`, or one of `projectNames`) is
   * started or retried by a caller whose role is not on `pipelineRolesPrefix` (the ARN of the
   * app's pipeline roles up to their path). StartBuild and StartBuildBatch name the project
   * (`projectName`), RetryBuild and RetryBuildBatch the build (`id`, `<project>:<build id>`)
   * (https://docs.aws.amazon.com/codebuild/latest/APIReference/API_StartBuild.html,
   * https://docs.aws.amazon.com/codebuild/latest/APIReference/API_RetryBuild.html); each by its
   * name or its ARN (`…:project/<name>`, `…:build/<id>`, `…:build-batch/<id>`), one wildcard
   * covering both, so the pattern stays within EventBridge's 2,048 characters
   * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html).
   */
  public buildsStartedElsewhere(projectPrefix: string, projectNames: string[], pipelineRolesPrefix: string): void {
    const caller: CallerOutside = { issuedBy: { 'anything-but': { prefix: pipelineRolesPrefix } } };
    this.rule('BuildStartedElsewhere', 'A build of the pipelines\' projects was started by someone other than the pipelines', 'aws.codebuild', {
      eventSource: ['codebuild.amazonaws.com'],
      eventName: ['StartBuild', 'StartBuildBatch'],
      requestParameters: {
        projectName: [`${projectPrefix}*`, `*:project/${projectPrefix}*`, ...projectNames.map(n => `*${n}`)].map(wildcard => ({ wildcard })),
      },
    }, caller);
    this.rule('BuildRetriedElsewhere', 'A build of the pipelines\' projects was retried by someone other than the pipelines', 'aws.codebuild', {
      eventSource: ['codebuild.amazonaws.com'],
      eventName: ['RetryBuild', 'RetryBuildBatch'],
      requestParameters: {
        id: [`${projectPrefix}*`, `*/${projectPrefix}*`, ...projectNames.map(n => `*${n}:*`)].map(wildcard => ({ wildcard })),
      },
    }, caller);
  }

  /**
   * Tells when a pipeline of `pipelineNames`, or a project named `projectPrefix…` or one of `projectNames`, is changed by
   * anyone but `selfUpdateRoleArn` (UpdatePipeline's `pipeline.name`, UpdateProject's `name`:
   * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_UpdatePipeline.html,
   * https://docs.aws.amazon.com/codebuild/latest/APIReference/API_UpdateProject.html).
   */
  public definitionsChangedElsewhere(pipelineNames: string[], projectPrefix: string, projectNames: string[], selfUpdateRoleArn: string): void {
    const caller: CallerOutside = { issuedBy: { 'anything-but': [selfUpdateRoleArn] } };
    this.rule('PipelineChangedElsewhere', 'A pipeline was changed other than by its self-update', 'aws.codepipeline', {
      eventSource: ['codepipeline.amazonaws.com'],
      eventName: ['UpdatePipeline'],
      requestParameters: { pipeline: { name: pipelineNames } },
    }, caller);
    this.rule('ProjectChangedElsewhere', 'A build project of the pipelines was changed other than by the pipeline\'s self-update', 'aws.codebuild', {
      eventSource: ['codebuild.amazonaws.com'],
      eventName: ['UpdateProject'],
      requestParameters: { name: [{ prefix: projectPrefix }, ...projectNames] },
    }, caller);
  }

  /**
   * A rule on API calls from `source` matching `call`, by a caller outside: a role's session whose
   * role `caller.issuedBy` matches, or any caller that is not a role's session (nor an AWS service
   * acting for itself) whose own ARN `caller.ownArn` matches (any such caller, when not given).
   */
  private rule(id: string, description: string, source: string, call: Record<string, unknown>, caller: CallerOutside): void {
    const notASession = { type: [{ 'anything-but': ['AssumedRole', 'AWSService'] }] };
    new events.Rule(this, id, {
      description,
      eventPattern: {
        source: [source],
        detailType: [API_CALL],
        detail: {
          ...call,
          $or: [
            { userIdentity: { sessionContext: { sessionIssuer: { arn: [caller.issuedBy] } } } },
            { userIdentity: caller.ownArn ? { ...notASession, arn: [caller.ownArn] } : notASession },
          ],
        },
      },
      targets: [this.target],
    });
  }
}
