import { Finding, SafetyRule, TemplateResource } from './rule';

/** Whether `value` (a log group name, as synthesized) names the default log group of function `logicalId`: `/aws/lambda/<name>`. */
function namesLogGroupOf(value: unknown, logicalId: string, functionName: unknown): boolean {
  const text = JSON.stringify(value ?? null);
  return text.includes('/aws/lambda/') && (text.includes(`{"Ref":"${logicalId}"}`) || (typeof functionName === 'string' && text.includes(functionName)));
}

/** Whether the template sets a retention on the log group that function `logicalId` writes to by default. */
function defaultLogGroupHasRetention(resources: Record<string, TemplateResource>, logicalId: string, fn: TemplateResource): boolean {
  return Object.values(resources).some(r =>
    (r.Type === 'AWS::Logs::LogGroup' || r.Type === 'Custom::LogRetention')
    && r.Properties?.RetentionInDays !== undefined
    && namesLogGroupOf(r.Properties?.LogGroupName, logicalId, fn.Properties?.FunctionName));
}

/**
 * Every log group has `RetentionInDays`; and every Lambda function logs to a log group with a
 * retention: one it names (`LoggingConfig.LogGroup`, a log group checked by this same rule where it
 * is in the app), or its default `/aws/lambda/<name>` log group created in the same template with
 * a retention (an `AWS::Logs::LogGroup` or aws-cdk-lib's `Custom::LogRetention`). Otherwise Lambda
 * creates that group on the first invocation, keeps its logs forever, and leaves it behind when
 * the stack is deleted. This includes the functions aws-cdk-lib's own custom resources create.
 */
export const logGroupRetention: SafetyRule = {
  name: 'log-group-retention',
  description: 'A log group keeps its logs forever (no RetentionInDays), or a Lambda function writes to a log group the app gives no retention',
  fix: 'Give the log group a retention (retention: env.profile.logRetention); give each function a logGroup of its own with a retention',
  check: template => {
    const findings: Finding[] = [];
    for (const [logicalId, resource] of Object.entries(template.resources)) {
      if (resource.Type === 'AWS::Logs::LogGroup' && resource.Properties?.RetentionInDays === undefined) {
        findings.push({ logicalId, locations: ['Properties/RetentionInDays'] });
      }
      if (resource.Type === 'AWS::Lambda::Function' && resource.Properties?.LoggingConfig?.LogGroup === undefined
        && !defaultLogGroupHasRetention(template.resources, logicalId, resource)) {
        findings.push({ logicalId, locations: ['Properties/LoggingConfig/LogGroup'] });
      }
    }
    return findings;
  },
};
