import * as cdk from 'aws-cdk-lib';
import { allStacks, buildHeadroom, CLOUDFORMATION_LIMITS, pipelineHeadroom, policyHeadroom, stackHeadroom } from '../../bench/headroom';
import { scaledEnvironments, withAccountPerEnvironment } from '../../bench/scaled-environments';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { buildReferenceApp } from '../../examples/reference-app';
import { PROJECT_DESCRIPTION_LIMIT } from '../../src/pipeline/codebuild-job';
import { ACTION_CONFIGURATION_VALUE_LIMIT, BUILD_SPEC_LIMIT } from '../../src/pipeline/private/pipeline-limits';

/** The descriptions of a template's CodeBuild projects longer than CodeBuild takes (CreateProject refuses them). */
function descriptionsTooLong(template: any): string[] {
  return Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::CodeBuild::Project')
    .filter(([, r]) => (r.Properties.Description ?? '').length > PROJECT_DESCRIPTION_LIMIT).map(([id, r]) => `${id}: ${r.Properties.Description.length}`);
}

/**
 * The bench's app at its largest size, 96 environments (the reference app's six tiers in 16
 * regions, each tier a wave), synthesized as a user would (no limit measured past): every limit
 * AWS enforces on the tooling stack, measured as the bench measures it, at or below half. The
 * template (written without indentation, as the reference app does) is held at 45% of
 * CloudFormation's 1 MB: it is 40.0% as synthesized here, and 42.8% as the CDK CLI writes it by
 * default, with each resource's `aws:cdk:path` metadata and the version-reporting resource; the
 * issue's goal is 40% (bench/results.md has the figure).
 */
describe('the bench\'s app at 96 environments', () => {
  const app = new cdk.App({ context: FEATURE_FLAGS });
  buildReferenceApp(app, scaledEnvironments(16));
  const assembly = app.synth();
  const tooling = assembly.getStackByName('Tooling');

  test('has 96 environments', () => {
    expect(allStacks(assembly).map(s => s.tags.Environment).filter((e, i, all) => e && all.indexOf(e) === i)).toHaveLength(96);
  });

  test('each build spec and each action\'s configuration value is at most half of what CodeBuild and CodePipeline take', () => {
    const { buildSpec, actionValue } = buildHeadroom(tooling.template);
    expect(buildSpec.characters).toBeLessThanOrEqual(BUILD_SPEC_LIMIT / 2);
    expect(actionValue.characters).toBeLessThanOrEqual(ACTION_CONFIGURATION_VALUE_LIMIT / 2);
  });

  test('each project\'s description is within CodeBuild\'s 255 characters: a wave\'s environments are counted, not named, where naming them would not fit', () => {
    expect(descriptionsTooLong(tooling.template)).toEqual([]);
    const descriptions = Object.values<any>(tooling.template.Resources).filter(r => r.Type === 'AWS::CodeBuild::Project').map(r => r.Properties.Description);
    expect(descriptions).toContain('Reviews the change of 16 environments before its approval');
    expect(descriptions).toContain('Deploys prod, one build each');
  });

  test('each role\'s inline policies and each managed policy is at most half of its IAM quota', () => {
    const policies = allStacks(assembly).flatMap(policyHeadroom);
    expect(policies.filter(p => p.share > 0.5).map(p => `${p.stack} ${p.principal} ${p.characters}`)).toEqual([]);
  });

  test('each pipeline has at most half of CodePipeline\'s 50 stages and 50 actions a stage', () => {
    for (const pipeline of pipelineHeadroom(tooling.template)) {
      expect(pipeline.stages).toBeLessThanOrEqual(25);
      expect(pipeline.mostActionsInAStage).toBeLessThanOrEqual(25);
    }
  });

  test('the tooling template is within 45% of CloudFormation\'s 1 MB and half of its 500 resources; every environment stack within half of each limit', () => {
    const headroom = stackHeadroom(tooling);
    expect(headroom.templateBytes).toBeLessThanOrEqual(0.45 * CLOUDFORMATION_LIMITS.templateBytesS3);
    expect(headroom.resources).toBeLessThanOrEqual(CLOUDFORMATION_LIMITS.resources / 2);
    expect(allStacks(assembly).filter(s => s !== tooling).map(stackHeadroom).filter(h => h.worstShare > 0.5).map(h => `${h.stack}: ${h.worstLimit}`)).toEqual([]);
  });
});

/**
 * The same app with an account per environment (96 accounts): what names accounts (the guardrail,
 * the deploy jobs' roles) grows with them. Synthesis must not refuse it; every limit but IAM's is
 * held at half, the tooling template at 45% (41% at the last measure, bench/results.md). Each wave's deploy roles name the bootstrap,
 * review and clean-up roles of every account of the wave: at 15 accounts in a wave the largest is
 * just above half of IAM's 10,240 characters (bench/results.md), and within the limit is what is
 * held here.
 */
describe('the bench\'s app at 96 environments, each in an account of its own', () => {
  const app = new cdk.App({ context: FEATURE_FLAGS });
  buildReferenceApp(app, withAccountPerEnvironment(scaledEnvironments(16)));
  const assembly = app.synth();
  const tooling = assembly.getStackByName('Tooling');

  test('has 96 environments in 96 accounts', () => {
    const environments = allStacks(assembly).filter(s => s.tags.Environment);
    expect(new Set(environments.map(s => s.tags.Environment)).size).toBe(96);
    expect(new Set(environments.filter(s => !s.stackName.includes('-baseline-')).map(s => s.environment.account)).size).toBe(96);
  });

  test('each build spec, action value and pipeline within half of its limit; each IAM policy within its limit', () => {
    const { buildSpec, actionValue } = buildHeadroom(tooling.template);
    expect(buildSpec.characters).toBeLessThanOrEqual(BUILD_SPEC_LIMIT / 2);
    expect(actionValue.characters).toBeLessThanOrEqual(ACTION_CONFIGURATION_VALUE_LIMIT / 2);
    expect(descriptionsTooLong(tooling.template)).toEqual([]);
    for (const p of pipelineHeadroom(tooling.template)) expect(Math.max(p.stages, p.mostActionsInAStage)).toBeLessThanOrEqual(25);
    expect(allStacks(assembly).flatMap(policyHeadroom).filter(p => p.share > 1).map(p => `${p.stack} ${p.principal} ${p.characters}`)).toEqual([]);
  });

  test('the tooling template within 45% of 1 MB and half of 500 resources; every environment stack within half of each limit', () => {
    const headroom = stackHeadroom(tooling);
    expect(headroom.templateBytes).toBeLessThanOrEqual(0.45 * CLOUDFORMATION_LIMITS.templateBytesS3);
    expect(headroom.resources).toBeLessThanOrEqual(CLOUDFORMATION_LIMITS.resources / 2);
    const overHalf = allStacks(assembly).filter(s => s !== tooling).map(stackHeadroom).filter(h => h.worstShare > 0.5);
    expect(overHalf.map(h => `${h.stack}: ${h.worstLimit}`)).toEqual([]);
  });
});
