import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { validationError } from './validation-errors';

/**
 * How a feature lane's build tells the app which environment to copy for which branch: it writes
 * these keys into `cdk.context.json` before the user's synth commands run, so the app's own code
 * builds the copy, with no change to it.
 */
export const FEATURE_CONTEXT = {
  /** The construct id of the environment copied (at the top level of the app). */
  copyOf: 'cdk-multi-env:feature-copy-of',
  /** The branch the copy is for. */
  branch: 'cdk-multi-env:feature-branch',
  /** Hours without a push after which the copy is torn down. */
  timeToLiveHours: 'cdk-multi-env:feature-ttl-hours',
  /** The account the copy deploys into, when not the copied environment's (the lane's `featureAccount`). */
  account: 'cdk-multi-env:feature-account',
};

/** Environment names are at most this long (see names.ts). */
const MAX_NAME = 32;
const HASH_LENGTH = 8;
/** The longest name of an environment that can be copied: room for `-` and a hash. */
export const MAX_COPIED_NAME = MAX_NAME - HASH_LENGTH - 1;

/** A feature environment the context asks for. */
export interface FeatureCopy {
  readonly branch: string;
  /** What the environment's name and construct id get after a hyphen. */
  readonly suffix: string;
  readonly timeToLiveHours: number;
  /** The account of the copy, when not the copied environment's. */
  readonly account?: string;
}

/**
 * The suffix of a branch's environment: the branch lowercased, every run of other characters
 * turned into one hyphen, cut to fit, and a hash of the exact branch name, so that branches that
 * read alike (`feature/Login`, `feature/login`) still get environments of their own.
 */
export function featureSuffix(branch: string, environmentName: string): string {
  const hash = createHash('sha256').update(branch).digest('hex').slice(0, HASH_LENGTH);
  const room = MAX_NAME - environmentName.length - 1 - HASH_LENGTH - 1;
  const readable = branch.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, Math.max(0, room)).replace(/-+$/, '');
  return readable ? `${readable}-${hash}` : hash;
}

/** The feature copy the app's context asks of the environment `id` about to be created in `scope`, if any. */
export function featureCopyOf(scope: Construct, id: string, environmentName: string): FeatureCopy | undefined {
  if (scope.node.scope !== undefined || scope.node.tryGetContext(FEATURE_CONTEXT.copyOf) !== id) return undefined;
  const branch = String(scope.node.tryGetContext(FEATURE_CONTEXT.branch) ?? '');
  const timeToLiveHours = Number(scope.node.tryGetContext(FEATURE_CONTEXT.timeToLiveHours));
  if (branch === '' || !Number.isInteger(timeToLiveHours) || timeToLiveHours < 1) {
    throw validationError(`IsolatedEnvironment '${id}': the context asks for a feature copy but ${FEATURE_CONTEXT.branch} is '${branch}' and ${FEATURE_CONTEXT.timeToLiveHours} is '${scope.node.tryGetContext(FEATURE_CONTEXT.timeToLiveHours)}'; expected a branch and a whole number of hours, 1 or more`, [scope, id]);
  }
  const account = scope.node.tryGetContext(FEATURE_CONTEXT.account);
  if (account !== undefined && !/^\d{12}$/.test(String(account))) {
    throw validationError(`IsolatedEnvironment '${id}': the context asks for a feature copy in account '${account}' (${FEATURE_CONTEXT.account}); expected an AWS account id of 12 digits`, [scope, id]);
  }
  return { branch, suffix: featureSuffix(branch, environmentName), timeToLiveHours, account: account === undefined ? undefined : String(account) };
}
