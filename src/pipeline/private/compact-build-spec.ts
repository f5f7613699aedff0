import { Lazy, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';

/**
 * A build spec written as JSON on one line. aws-cdk-lib's `BuildSpec.fromObject` indents it by two
 * spaces (`toJsonString(spec, 2)`, in aws-codebuild/lib/build-spec.ts), which is a quarter of a
 * job's build spec, of the pipeline's template with it, and of CodeBuild's 25,600 characters.
 * CodeBuild reads an inline build spec as YAML, and JSON on one line is YAML: many public
 * configurations set `buildspec` with Terraform's `jsonencode`, which writes JSON without whitespace
 * (https://developer.hashicorp.com/terraform/language/functions/jsonencode).
 */
export class CompactBuildSpec extends codebuild.BuildSpec {
  public readonly isImmediate = true;

  constructor(private readonly spec: Record<string, unknown>) {
    super();
  }

  public toBuildSpec(): string {
    return Lazy.uncachedString({ produce: context => Stack.of(context.scope).toJsonString(this.spec) });
  }
}
