import { policyDocumentsOf } from './policy-documents';
import { asArray, Finding, SafetyRule } from './rule';

/** `*` (and `*:*`): every action of every service. `s3:*` names one service and is not matched. */
const EVERY_ACTION = /^\*(:\*)?$/;

/**
 * No policy statement that allows every action: an `Allow` whose `Action` is `*`, or whose
 * `NotAction` is present at all (it allows every action but those listed, which is `*` in all but
 * name). Service wildcards (`s3:*`, `kms:*`) are not violations: they stay within one service, and
 * a key policy's `kms:*` for the account is how KMS delegates to IAM. Only statements in the
 * templates are read: an AWS managed policy attached by ARN (`AdministratorAccess`) is not.
 */
export const noWildcardAction: SafetyRule = {
  name: 'no-wildcard-action',
  description: 'A policy statement allows every action: Effect Allow with Action "*" (or with NotAction, which allows all but the actions listed)',
  fix: 'List the actions the principal needs (for example with the grant methods of the resource, bucket.grantRead(role)); use a service wildcard such as s3:* at most',
  check: template => {
    const findings: Finding[] = [];
    for (const [logicalId, resource] of Object.entries(template.resources)) {
      const locations: string[] = [];
      for (const { location, document } of policyDocumentsOf(resource)) {
        asArray(document.Statement as any[]).forEach((statement, i) => {
          if (!statement || statement.Effect !== 'Allow') return;
          if (asArray(statement.Action).some(a => typeof a === 'string' && EVERY_ACTION.test(a))) {
            locations.push(`${location}/Statement/${i}/Action`);
          }
          if (statement.NotAction !== undefined) locations.push(`${location}/Statement/${i}/NotAction`);
        });
      }
      if (locations.length > 0) findings.push({ logicalId, locations });
    }
    return findings;
  },
};
