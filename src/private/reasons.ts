/** Why the baseline's service roles keep their policies inline. */
export const INLINE_POLICY_REASON = 'A service role of the baseline with a policy for it alone, scoped to the baseline\'s own resources: inline, the policy is created and deleted with its role and cannot be attached to anything else, which a managed policy could';
