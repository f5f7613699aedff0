/**
 * A bash function the jobs define before they reach into an environment: `with_role ROLE_ARN
 * command...` runs the command with the credentials of the assumed role, leaving the job's own for
 * every other command. The job's build spec must run in bash (`env.shell: bash`).
 */
export const WITH_ROLE = 'with_role() { local c; c=($(aws sts assume-role --role-arn "$1" --role-session-name cdk-multi-env '
  + '--query \'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]\' --output text)) || return 1; shift; '
  + 'AWS_ACCESS_KEY_ID=${c[0]} AWS_SECRET_ACCESS_KEY=${c[1]} AWS_SESSION_TOKEN=${c[2]} "$@"; }';
