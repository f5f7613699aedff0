import { SafetyRule } from './rule';

/**
 * Every stack of an environment carries its environment, tier and app as stack tags, as the cloud
 * assembly's manifest gives them to CloudFormation on deploy (CloudFormation passes them on to the
 * resources). The orphan clean-up finds an environment's stacks by the environment's and the
 * app's tags, and its role may delete only stacks that carry both: a stack without them is never
 * cleaned up, and one with another environment's value is taken for that environment's.
 * Environments set the tags on every stack under any feature flag (`@aws-cdk/core:explicitStackTags`
 * included); what removes or changes one is the app's own code.
 */
export const environmentStackTags: SafetyRule = {
  name: 'environment-stack-tags',
  description: 'A stack of an environment does not carry its environment, tier or app as a stack tag, or carries another value: the orphan clean-up cannot find it',
  fix: 'Leave the Environment, Tier and cdk-multi-env:app stack tags as the environment sets them: do not remove them (Tags.of(...).remove) or give the stack other values',
  check: template => {
    const expected = template.environmentTags;
    if (!expected) return [];
    const locations = Object.entries(expected)
      .filter(([key, value]) => template.stackTags[key] !== value)
      .map(([key, value]) => `tags/${key}: ${template.stackTags[key] === undefined ? 'missing' : `'${template.stackTags[key]}'`}, expected '${value}'`);
    return locations.length > 0 ? [{ locations }] : [];
  },
};
