import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The key-policy statement that lets CloudWatch Logs of the stack's account and region encrypt
 * its log groups with a key (and no other account's or region's log groups).
 */
export function cloudWatchLogsUseOfKey(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'CloudWatchLogsOfThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  });
}

/**
 * The key-policy statement that lets only AWS services create grants on a key: for a resource
 * they manage on someone's behalf (EBS volumes, RDS, AWS Backup) or as themselves. Nobody can
 * hand a principal lasting use of the key through a grant, out of sight of the key policy
 * (Control Tower's proactive control CT.KMS.PR.3).
 */
export function onlyAwsServicesCreateGrants(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'OnlyAwsServicesCreateGrants',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}
