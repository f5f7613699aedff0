import * as cdk from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EnvironmentTier } from '../../src';
import { environmentStackTags } from '../../src/validation/private/environment-stack-tags';
import { WITHOUT_CDK_INIT_FLAGS } from '../support/cdk-init-context';
import { environment } from '../support/environments';
import { safetyViolations } from '../support/safety';

/**
 * environment-stack-tags reads the stack tags from the cloud assembly's manifest, which is what the
 * CDK CLI hands CloudFormation on deploy: the stacks of an environment must carry Environment, Tier
 * and cdk-multi-env:app with the environment's values.
 */
const tagFindings = (found: ReturnType<typeof safetyViolations>) => found.filter(f => f.rule === 'environment-stack-tags').map(f => f.path);

describe('environment-stack-tags', () => {
  test.each([
    ['cdk init\'s feature flags', undefined],
    ['no feature flags', WITHOUT_CDK_INIT_FLAGS],
  ])('GIVEN an environment with a stack of the user\'s, under %s, WHEN synthesized THEN every stack carries its tags', (_name, postCliContext) => {
    const found = safetyViolations(app => {
      new sns.Topic(new cdk.Stack(environment(app, EnvironmentTier.DEV), 'Api'), 'Orders');
    }, undefined, postCliContext);
    expect(tagFindings(found)).toEqual([]);
  });

  test('GIVEN a stack whose app tag the user removed WHEN synthesized THEN the stack violates, naming the tag', () => {
    const found = safetyViolations(app => {
      const api = new cdk.Stack(environment(app, EnvironmentTier.DEV), 'Api');
      new sns.Topic(api, 'Orders');
      cdk.Tags.of(api).remove('cdk-multi-env:app');
    });
    expect(tagFindings(found)).toEqual(['dev/Api']);
  });

  test('GIVEN a stack given another environment\'s tag WHEN synthesized THEN it violates: the clean-up would take it for that environment\'s', () => {
    const found = safetyViolations(app => {
      new sns.Topic(new cdk.Stack(environment(app, EnvironmentTier.DEV), 'Api', { tags: { Environment: 'prod' } }), 'Orders');
    });
    expect(tagFindings(found)).toEqual(['dev/Api']);
  });

  // The report names the stack (a stack has no logical id to carry property paths); the rule's own
  // locations say which tag, as the rule reads the manifest's tags.
  test('names each tag at fault, missing or with another value', () => {
    const template = {
      templatePath: 'devApi.template.json',
      resources: {},
      production: false,
      terminationProtection: false,
      stackTags: { Environment: 'prod', Tier: 'dev' },
      environmentTags: { 'Environment': 'dev', 'Tier': 'dev', 'cdk-multi-env:app': 'shop' },
    };
    expect(environmentStackTags.check(template, undefined as any)).toEqual([{
      locations: ['tags/Environment: \'prod\', expected \'dev\'', 'tags/cdk-multi-env:app: missing, expected \'shop\''],
    }]);
  });
});
