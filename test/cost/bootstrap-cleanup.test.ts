import * as cdk from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BootstrapCleanup, EnvironmentTier, IsolatedEnvironment } from '../../src';
import { environment, foundationOf, newApp } from '../support/environments';
import { ALL_TESTS, newPipeline } from '../support/pipelines';

/** The clean-up's project and what its build runs. */
function cleanupOf(env: IsolatedEnvironment) {
  const template = foundationOf(env);
  const projects = template.findResources('AWS::CodeBuild::Project');
  return { template, projects: Object.entries<any>(projects) };
}

describe('the clean-up of the CDK bootstrap\'s assets', () => {
  test('Dev (data throwaway): cdk gc every Sunday at 05:00 UTC, deleting what no stack has used for 30 days', () => {
    const dev = environment(newApp(), EnvironmentTier.DEV);
    const { template, projects } = cleanupOf(dev);
    expect(projects).toHaveLength(1);
    const [id, project] = projects[0];
    expect(JSON.parse(project.Properties.Source.BuildSpec).phases.build.commands).toEqual([
      'npx --yes aws-cdk@2.1148.1 gc aws://111111111111/eu-west-1 --unstable=gc --action=full --type=all --confirm=false '
        + '--rollback-buffer-days 30 --created-buffer-days 1 --toolkit-stack-name CDKToolkit',
    ]);
    expect(dev.bootstrapCleanup?.gracePeriod.toDays()).toBe(30);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 5 ? * SUN *)',
      Target: { Arn: { 'Fn::GetAtt': [id, 'Arn'] } },
    });
    // A failed run notifies the alarm topic. Which of CodeBuild's build state changes the rule matches, Event Ruler judges on
    // CodeBuild's documented event for the reference app's clean-up (test/event-rules/cases.ts).
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.codebuild'], 'detail-type': ['CodeBuild Build State Change'], 'detail': { 'project-name': [{ Ref: id }] } },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('AlarmTopic') } })],
    });
  });

  test('its role reads the account\'s stacks and templates, and tags and deletes in the bootstrap\'s bucket and repository only', () => {
    const { template, projects } = cleanupOf(environment(newApp(), EnvironmentTier.DEV));
    const role = projects[0][1].Properties.ServiceRole['Fn::GetAtt'][0];
    const statements = Object.values<any>(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }))
      .flatMap(p => p.Properties.PolicyDocument.Statement);
    const of = (action: string) => JSON.stringify(statements.filter(s => [s.Action].flat().includes(action)).map(s => s.Resource));
    expect(of('cloudformation:GetTemplate')).toContain(':cloudformation:eu-west-1:111111111111:stack/*/*');
    expect(of('s3:DeleteObject')).toContain(':s3:::cdk-*-assets-111111111111-eu-west-1/*');
    expect(of('ecr:BatchDeleteImage')).toContain(':ecr:eu-west-1:111111111111:repository/cdk-*-container-assets-111111111111-eu-west-1');
    // Deleting is allowed on the bootstrap's bucket and repository, and nowhere else.
    const deleting = statements.filter(s => [s.Action].flat().some((a: string) => /Delete/.test(a)));
    expect(deleting.flatMap(s => [s.Action].flat()).filter((a: string) => /Delete/.test(a)).sort()).toEqual(['ecr:BatchDeleteImage', 's3:DeleteObject', 's3:DeleteObjectTagging']);
    for (const s of deleting) expect(JSON.stringify(s.Resource)).toMatch(/cdk-\*-(container-)?assets-111111111111-eu-west-1/);
  });

  test.each([
    ['qa', EnvironmentTier.QA, true], ['demo', EnvironmentTier.DEMO, true],
    ['staging', EnvironmentTier.STAGING, false], ['prod', EnvironmentTier.PROD, false], ['hotfix', EnvironmentTier.HOTFIX, false],
  ])('%s: %s by default', (_, tier, on) => {
    expect(cleanupOf(environment(newApp(), tier)).projects.length > 0).toBe(on);
  });

  test('an environment may switch it on, with its grace period, or off', () => {
    const staging = environment(newApp(), EnvironmentTier.STAGING, { bootstrapCleanup: { enabled: true, gracePeriod: cdk.Duration.days(60) } });
    expect(JSON.stringify(cleanupOf(staging).projects)).toContain('--rollback-buffer-days 60');
    expect(cleanupOf(environment(newApp(), EnvironmentTier.DEV, { bootstrapCleanup: { enabled: false } })).projects).toHaveLength(0);
  });

  test('environments that share an account share one: the first holds it, the others say where it is', () => {
    const app = newApp();
    const first = environment(app, EnvironmentTier.DEV, { environmentName: 'dev-a' });
    const second = environment(app, EnvironmentTier.DEV, { environmentName: 'dev-b', cidr: '10.1.0.0/16' });
    expect(first.bootstrapCleanup).toBeDefined();
    expect(second.bootstrapCleanup).toBeUndefined();
    Annotations.fromStack(second.foundation).hasInfo('*', Match.stringLikeRegexp('clean-up of the account\'s CDK bootstrap assets is dev-a/Foundation/BootstrapCleanup'));
  });

  test('in an account that is not an environment (the tooling account), on its own', () => {
    const stack = new cdk.Stack(newApp(), 'Tooling', { env: { account: '999999999999', region: 'eu-west-1' } });
    new BootstrapCleanup(stack, 'Gc', { gracePeriod: cdk.Duration.days(45) });
    const template = Template.fromStack(stack);
    expect(JSON.stringify(template.findResources('AWS::CodeBuild::Project'))).toContain('gc aws://999999999999/eu-west-1 --unstable=gc --action=full --type=all --confirm=false --rollback-buffer-days 45 ');
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    // No topic given: no rule.
    template.resourceCountIs('AWS::Events::Rule', 0);
  });

  test('its grace period outlasts the longest run of the pipeline the environment is in', () => {
    const place = (gracePeriod: cdk.Duration) => {
      const app = newApp();
      const dev = environment(app, EnvironmentTier.DEV, { bootstrapCleanup: { gracePeriod } });
      const qa = environment(app, EnvironmentTier.QA, { cidr: '10.1.0.0/16' });
      const staging = environment(app, EnvironmentTier.STAGING, { cidr: '10.2.0.0/16' });
      const prod = environment(app, EnvironmentTier.PROD, { cidr: '10.3.0.0/16' });
      const pipeline = newPipeline(app, { tests: ALL_TESTS });
      for (const env of [dev, qa, staging]) pipeline.addEnvironment(env);
      pipeline.addEnvironment(prod, { approvers: [new iam.AccountRootPrincipal()], bakeAlarmNames: ['errors'] });
      return () => app.synth();
    };
    // QA's sign-off, Staging's approval and Prod's review may each wait 7 days; Prod bakes 30 minutes.
    expect(place(cdk.Duration.days(14))).toThrow("[dev] IsolatedEnvironment 'dev': bootstrapCleanup.gracePeriod is 14 days, shorter than the longest run of pipeline 'Delivery' "
      + '(21 days 30 minutes: 3 approval(s) that may each wait 7 days, 30 minutes of bake): an asset a run still deploys could be deleted; give at least Duration.days(22)');
    expect(place(cdk.Duration.days(30))).not.toThrow();
  });
});
