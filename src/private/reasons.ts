/** Why the library's service roles keep their policies inline (cdk-nag's IAMNoInlinePolicy in three packs). */
export const INLINE_POLICY_REASON = 'A service role this library creates for one job, with a policy for that role alone and scoped to the job\'s resources: '
  + 'inline, the policy is created and deleted with its role and cannot be attached to any other principal, which a customer-managed policy could';
