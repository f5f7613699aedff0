import { IamReference } from './iam-reference';
import { policyDocumentsOf } from './policy-documents';
import { asArray, Finding, SafetyRule } from './rule';

/**
 * Every IAM action a policy names exists, and every condition key applies to one of its statement's
 * actions, as AWS's service authorization reference defines them (read from `IamReference`).
 * IAM accepts a policy with an action that does not exist or a condition key the actions never
 * send, and the statement then silently never applies: an Allow grants nothing, a Deny denies
 * nothing. Both kinds of document are read, grants and trust policies, wherever they sit; a
 * statement with `NotAction` has its actions checked but not its keys (it applies to every other
 * action of every service). Each location names the value at fault and why.
 */
export const iamDefinitions: SafetyRule = {
  name: 'iam-definitions',
  description: 'A policy names an IAM action that does not exist, or a condition key that none of its statement\'s actions supports (the statement never applies)',
  fix: 'Write the action as the service authorization reference lists it (https://docs.aws.amazon.com/service-authorization/latest/reference/), and use a condition key of the actions in the statement, or a global aws: key',
  check: (template, app) => {
    const findings: Finding[] = [];
    for (const [logicalId, resource] of Object.entries(template.resources)) {
      const locations = policyDocumentsOf(resource, { trustPolicies: true }).flatMap(({ location, document }) =>
        asArray(document.Statement as unknown[]).flatMap((statement, i) => problemsOf(statement, app.iam).map(p => `${location}/Statement/${i}/${p}`)));
      if (locations.length > 0) findings.push({ logicalId, locations });
    }
    return findings;
  },
};

/** What is wrong with one statement, as `<property>: <why>`. */
function problemsOf(statement: any, iam: IamReference): string[] {
  if (!statement || typeof statement !== 'object') return [];
  const problems: string[] = [];
  const named: Array<{ service: string; actions: NonNullable<ReturnType<IamReference['actionsMatching']>> }> = [];
  for (const property of ['Action', 'NotAction']) {
    asArray(statement[property]).forEach((pattern: unknown, j) => {
      if (typeof pattern !== 'string' || /^\*(:\*)?$/.test(pattern)) return;
      const actions = iam.actionsMatching(pattern);
      if (actions === undefined) {
        problems.push(`${property}/${j}: '${pattern}' names no service of the reference`);
      } else if (actions.length === 0) {
        problems.push(`${property}/${j}: '${pattern}' matches no action of ${pattern.split(':')[0]}`);
      } else if (property === 'Action') {
        named.push({ service: pattern.split(':')[0].toLowerCase(), actions });
      }
    });
  }
  // Keys are checked against the actions the statement names; with `*` or NotAction any key may apply.
  const everyAction = statement.NotAction !== undefined || asArray(statement.Action).some((a: unknown) => a === '*' || a === '*:*');
  if (everyAction || named.length === 0) return problems;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const key of Object.keys(keys as object)) {
      const supported = named.some(({ service, actions }) => actions.some(action => iam.supportsConditionKey(service, action, key)));
      if (supported) continue;
      const defined = named.some(({ service }) => iam.definesConditionKey(service, key)) || iam.definesConditionKey(key.split(':')[0].toLowerCase(), key);
      const actions = [...new Set(named.flatMap(({ service, actions: a }) => a.map(action => `${service}:${action.name}`)))];
      problems.push(`Condition/${operator}/${key}: ${defined ? 'supported by none of' : 'defined for no action, and not by'} ${shortList(actions)}`);
    }
  }
  return problems;
}

function shortList(items: string[]): string {
  return items.length <= 4 ? items.join(', ') : `${items.slice(0, 4).join(', ')} and ${items.length - 4} more`;
}
