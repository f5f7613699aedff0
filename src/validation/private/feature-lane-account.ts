import { actionsOf, assumeRoleActions, documentsOfRole, laneOf, normalize, roleAccountsOf } from './lane-jobs';
import { asArray, Finding, SafetyRule } from './rule';
import { renderValue } from './template-values';

/**
 * A feature lane deploys with the CDK bootstrap roles of the account its copies go to, which
 * administer that account: where that is the account of one of the app's environments (Dev's, by
 * default), a feature branch can change that environment's stacks, the account's baseline and its
 * CDK bootstrap stack. Per template: every CodeBuild job of a pipeline whose `cdk-multi-env:lane`
 * metadata names the `feature` lane, whose role's `Allow` statements have an action that matches
 * `sts:AssumeRole` on a role that can be one of an account of the app's environments (not feature
 * copies). A warning: a team may accept it for a Dev account that holds nothing it would miss;
 * `featureAccount` moves the copies into an account of their own.
 */
export const featureLaneAccount: SafetyRule = {
  name: 'feature-lane-account',
  severity: 'warning',
  description: 'The feature lane deploys into an account that holds an environment of the app: a feature branch administers that account '
    + '(the environment\'s stacks, the account\'s compliance baseline and its CDK bootstrap stack) through its CDK bootstrap deploy role',
  fix: 'Give the feature lane an account of its own: addFeatureEnvironments(dev, { featureAccount: \'<sandbox account>\' }), bootstrapped to trust the tooling account',
  check: (template, app) => {
    const findings: Finding[] = [];
    const resources = template.resources;
    for (const pipeline of Object.values(resources)) {
      if (laneOf(pipeline)?.name !== 'feature') continue;
      for (const job of actionsOf(pipeline).filter(a => a.action?.ActionTypeId?.Provider === 'CodeBuild')) {
        const serviceRole = resources[job.action.Configuration?.ProjectName?.Ref]?.Properties?.ServiceRole;
        const roleId: unknown = serviceRole?.['Fn::GetAtt']?.[0] ?? serviceRole?.Ref;
        if (typeof roleId !== 'string' || resources[roleId]?.Type !== 'AWS::IAM::Role') continue;
        const locations: string[] = [];
        for (const { location, document } of documentsOfRole(roleId, resources).documents) {
          asArray<any>(document?.Statement).forEach((statement, i) => {
            if (statement?.Effect !== 'Allow' || assumeRoleActions(statement).length === 0) return;
            for (const value of asArray<unknown>(statement.Resource)) {
              const accounts = roleAccountsOf(normalize(renderValue(value), template.account), app.environmentAccounts);
              if (accounts.length > 0) locations.push(`${location}/Statement/${i}: sts:AssumeRole on ${renderValue(value)} (account ${accounts.join(', ')}, which holds an environment of the app)`);
            }
          });
        }
        if (locations.length > 0) findings.push({ logicalId: roleId, locations });
      }
    }
    return findings;
  },
};
