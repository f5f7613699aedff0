import * as cdk from 'aws-cdk-lib';
import { CLI_DEFAULT_CONTEXT } from '../../bench/cli-context';
import { allStacks, buildHeadroom, CLOUDFORMATION_LIMITS, pipelineHeadroom, policyHeadroom, stackHeadroom } from '../../bench/headroom';
import { buildConcurrency, leastQuotaOf } from '../../bench/pipeline-model';
import { scaledEnvironments, withAccountPerEnvironment } from '../../bench/scaled-environments';
import { FEATURE_FLAGS } from '../../examples/feature-flags';
import { buildReferenceApp } from '../../examples/reference-app';
import { APPROVAL_COMMENT_LIMIT } from '../../src/pipeline/approval-limits';
import { BUILD_CONCURRENCY_NOTICE } from '../../src/pipeline/build-concurrency';
import { PROJECT_DESCRIPTION_LIMIT } from '../../src/pipeline/codebuild-job';
import { ACTION_CONFIGURATION_VALUE_LIMIT, BUILD_SPEC_LIMIT } from '../../src/pipeline/private/pipeline-limits';
import { MAX_ROLE_PATH } from '../../src/private/pipeline-role-paths';

/**
 * The bench's app at its largest size, 96 environments (the reference app's six tiers in 16
 * regions, each tier a wave), synthesized as a user would with the CDK CLI (its default metadata
 * and version reporting; no limit measured past): the limits AWS enforces on the tooling stack
 * that grow with the environments, measured as the bench measures them, at or below half, and its
 * template (written without indentation, as the reference app does) at or below 40% of
 * CloudFormation's 1 MB.
 */
describe('the bench\'s app at 96 environments', () => {
  const app = new cdk.App({ context: { ...FEATURE_FLAGS, ...CLI_DEFAULT_CONTEXT } });
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

  test('each approval\'s comment is within CodePipeline\'s 500 characters with the longest summary in it', () => {
    expect(buildHeadroom(tooling.template).approvalComment.characters).toBeLessThanOrEqual(APPROVAL_COMMENT_LIMIT);
  });

  test('each project\'s description is within CodeBuild\'s 255 characters: a wave\'s environments are counted, not named, where naming them would not fit', () => {
    expect(buildHeadroom(tooling.template).description.characters).toBeLessThanOrEqual(PROJECT_DESCRIPTION_LIMIT);
    const descriptions = Object.values<any>(tooling.template.Resources).filter(r => r.Type === 'AWS::CodeBuild::Project').map(r => r.Properties.Description);
    expect(descriptions).toContain('Reviews the change of 16 environments before its approval');
    expect(descriptions).toContain('Deploys prod, one build each');
  });

  test('each role\'s IAM path, which names the environments its builds serve (a wave of 16), is at most half of IAM\'s 512 characters', () => {
    const { rolePath } = buildHeadroom(tooling.template);
    expect(rolePath.characters).toBeLessThanOrEqual(MAX_ROLE_PATH / 2);
    // The longest serves a wave: 16 tokens.
    expect(Object.values<any>(tooling.template.Resources).map(r => r.Properties?.Path).filter(p => typeof p === 'string' && p.length === rolePath.characters)
      .map((p: string) => p.match(/\+[0-9a-f]{8}(?=\+)/g)?.length)).toEqual(expect.arrayContaining([16]));
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

  test('synthesis tells the CodeBuild concurrent-build quota the pipelines need, as the bench reads it from the build specs: above AWS\'s default of 20', () => {
    const concurrency = buildConcurrency(tooling.template);
    const needed = [leastQuotaOf(concurrency, false), leastQuotaOf(concurrency, true)];
    const notes = tooling.messages.filter(m => m.level === 'info' && String(m.entry.data).includes(BUILD_CONCURRENCY_NOTICE));
    expect(notes.map(m => m.entry.data)).toEqual([expect.stringContaining(`at least ${needed[0]} for one commit at a time and ${needed[1]} for commits in quick succession`)]);
    // A Staging or Prod wave of 16: each environment's deploy waits for its tests before, or its tests after for its deploy.
    expect(needed[0]).toBeGreaterThan(20);
  });

  test('the tooling template is within 40% of CloudFormation\'s 1 MB and half of its 500 resources; every environment stack within half of each limit', () => {
    const headroom = stackHeadroom(tooling);
    expect(headroom.templateBytes).toBeLessThanOrEqual(0.4 * CLOUDFORMATION_LIMITS.templateBytesS3);
    expect(headroom.resources).toBeLessThanOrEqual(CLOUDFORMATION_LIMITS.resources / 2);
    expect(allStacks(assembly).filter(s => s !== tooling).map(stackHeadroom).filter(h => h.worstShare > 0.5).map(h => `${h.stack}: ${h.worstLimit}`)).toEqual([]);
  });
});

/**
 * The same app with an account per environment (96 accounts): what names accounts (the guardrail,
 * the jobs' roles, one ARN pattern per account) grows with them. Every limit is held at half; the
 * tooling template, 40% of 1 MB at the last measure (bench/results.md), at 42%, where the app
 * with an account per tier is held at 40%.
 */
describe('the bench\'s app at 96 environments, each in an account of its own', () => {
  const app = new cdk.App({ context: { ...FEATURE_FLAGS, ...CLI_DEFAULT_CONTEXT } });
  buildReferenceApp(app, withAccountPerEnvironment(scaledEnvironments(16)));
  const assembly = app.synth();
  const tooling = assembly.getStackByName('Tooling');

  test('has 96 environments in 96 accounts', () => {
    const environments = allStacks(assembly).filter(s => s.tags.Environment);
    expect(new Set(environments.map(s => s.tags.Environment)).size).toBe(96);
    expect(new Set(environments.filter(s => !s.stackName.includes('-baseline-')).map(s => s.environment.account)).size).toBe(96);
  });

  test('each build spec, action value, pipeline, IAM policy and role path within half of its limit; each approval comment and project description within its limit', () => {
    const { buildSpec, actionValue, approvalComment, description, rolePath } = buildHeadroom(tooling.template);
    expect(rolePath.characters).toBeLessThanOrEqual(MAX_ROLE_PATH / 2);
    expect(buildSpec.characters).toBeLessThanOrEqual(BUILD_SPEC_LIMIT / 2);
    expect(actionValue.characters).toBeLessThanOrEqual(ACTION_CONFIGURATION_VALUE_LIMIT / 2);
    expect(approvalComment.characters).toBeLessThanOrEqual(APPROVAL_COMMENT_LIMIT);
    expect(description.characters).toBeLessThanOrEqual(PROJECT_DESCRIPTION_LIMIT);
    for (const p of pipelineHeadroom(tooling.template)) expect(Math.max(p.stages, p.mostActionsInAStage)).toBeLessThanOrEqual(25);
    expect(allStacks(assembly).flatMap(policyHeadroom).filter(p => p.share > 0.5).map(p => `${p.stack} ${p.principal} ${p.characters}`)).toEqual([]);
  });

  test('the tooling template within 42% of 1 MB and half of 500 resources; every environment stack within half of each limit', () => {
    const headroom = stackHeadroom(tooling);
    expect(headroom.templateBytes).toBeLessThanOrEqual(0.42 * CLOUDFORMATION_LIMITS.templateBytesS3);
    expect(headroom.resources).toBeLessThanOrEqual(CLOUDFORMATION_LIMITS.resources / 2);
    const overHalf = allStacks(assembly).filter(s => s !== tooling).map(stackHeadroom).filter(h => h.worstShare > 0.5);
    expect(overHalf.map(h => `${h.stack}: ${h.worstLimit}`)).toEqual([]);
  });
});
