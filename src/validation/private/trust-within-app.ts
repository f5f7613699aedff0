import { accountOfPrincipal } from './principal-accounts';
import { asArray, Finding, SafetyRule } from './rule';

/**
 * Every principal a role trusts (its `AssumeRolePolicyDocument`, `Allow` statements) is a service
 * or belongs to an account of the app: the stack's own (`AWS::AccountId`, a role of the same
 * template, an imported value), the account of any stack or environment's tooling account in the
 * app, or one listed in `trustedAccounts`. Strict: `*`, `Federated` and `CanonicalUser` principals,
 * and values whose account cannot be read at synth time (a parameter), are violations whatever
 * conditions the statement has.
 */
export const trustWithinApp: SafetyRule = {
  name: 'trust-within-app',
  description: 'A role trusts a principal outside the accounts of the app: an account that holds none of its stacks, anyone (*), '
    + 'a federated identity, or a principal whose account cannot be told at synth time',
  fix: 'Trust only the accounts of the app (iam.AccountPrincipal of an environment\'s or the tooling account) and AWS services; '
    + 'if an account outside the app must assume the role (an operators account people sign in to), list it in trustedAccounts of SafetyChecks',
  check: (template, app) => {
    const logicalIds = new Set(Object.keys(template.resources));
    const findings: Finding[] = [];
    for (const [logicalId, resource] of Object.entries(template.resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      const locations: string[] = [];
      const base = 'Properties/AssumeRolePolicyDocument/Statement';
      asArray<any>(resource.Properties?.AssumeRolePolicyDocument?.Statement).forEach((statement, i) => {
        if (!statement || statement.Effect !== 'Allow') return;
        if (statement.NotPrincipal !== undefined) locations.push(`${base}/${i}/NotPrincipal`);
        const principal = statement.Principal;
        if (principal === '*') {
          locations.push(`${base}/${i}/Principal`);
          return;
        }
        for (const [kind, values] of Object.entries<unknown>(principal ?? {})) {
          if (kind === 'Service') continue;
          if (kind !== 'AWS') {
            locations.push(`${base}/${i}/Principal/${kind}`);
            continue;
          }
          const trusted = asArray(values).every(value => {
            const owner = accountOfPrincipal(value, logicalIds);
            return owner.kind === 'own' || (owner.kind === 'account' && (owner.account === template.account || app.accounts.has(owner.account)));
          });
          if (!trusted) locations.push(`${base}/${i}/Principal/AWS`);
        }
      });
      if (locations.length > 0) findings.push({ logicalId, locations });
    }
    return findings;
  },
};
