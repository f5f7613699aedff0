import { readAssembly } from '../support/deployed-policies';
import {
  approvalClaims, branchLaneArtifactClaims, branchLaneDisagreements, branchLaneProductionClaims, Claim, cleanupClaims, jobRoles, signalClaims,
  SynthesizedApp, testBuildClaims, unmet,
} from '../support/iam-properties';
import { readReport } from '../support/validation-report';

/**
 * The IAM properties of test/support/iam-properties.ts, which the reference app's tests check, on
 * the new app of run.sh (the README's examples, cdk init's flags, the newest aws-cdk-lib), decided
 * by the policy simulator on its cdk.out; and SafetyChecks' `branch-lane-isolation` verdicts held
 * against the simulator's. Run with the repository's ts-node and simulator (an AGPL
 * devDependency, never installed into the app). Exits 1 when the simulator does not bear one out.
 */
async function main(outdir: string): Promise<number> {
  // The app's production environment and its approvers, as compose-app.js types them in from the README.
  const app: SynthesizedApp = { stacks: readAssembly(outdir), production: ['prod'] };
  const roles = await jobRoles(app);
  const claims: Array<[string, Claim[]]> = [
    ['no test build assumes a CDK bootstrap role or a clean-up role', await testBuildClaims(app)],
    ['no branch-lane job reads or writes the main lane\'s artifacts', branchLaneArtifactClaims(roles)],
    ['no branch-lane job assumes a production role before its lane\'s first approval', branchLaneProductionClaims(app, roles)],
    ['no clean-up role deletes a baseline stack, the CDK bootstrap stack or another environment\'s stack', await cleanupClaims(app)],
    ['no one but a lane\'s deploy builds signals that its tests may start', await signalClaims(app)],
    ['under the guardrail, only the named approvers approve', await approvalClaims(app, {
      Prod: ['arn:aws:iam::999999999999:role/release-managers'],
      Hotfix: ['arn:aws:iam::999999999999:role/on-call'],
    })],
  ];
  const reported = readReport(outdir).filter(f => f.rule === 'branch-lane-isolation').map(f => f.logicalId!);
  const properties = [
    ...claims.map(([property, made]) => ({ property, checked: `${made.length} requests`, failures: unmet(made) })),
    {
      property: 'SafetyChecks\' branch-lane-isolation reports exactly the roles IAM lets reach what it forbids',
      checked: `${roles.length} roles`,
      failures: branchLaneDisagreements(roles, reported),
    },
  ];
  for (const { property, checked, failures } of properties) {
    console.log(`${failures.length === 0 ? 'ok  ' : 'FAIL'} ${property} (${checked})`);
    failures.forEach(failure => console.log(`       ${failure}`));
  }
  return properties.some(p => p.failures.length > 0) ? 1 : 0;
}

main(process.argv[2]).then(code => process.exit(code), error => {
  console.error(error);
  process.exit(1);
});
