# shellcheck shell=bash source-path=SCRIPTDIR
# Sourced by the pipeline's jobs that reach into an environment (src/pipeline/assume-role-shell.ts).
#
# with_role ROLE_ARN COMMAND...: runs COMMAND with the credentials of the assumed role, leaving the
# job's own for every other command. `aws sts assume-role` with `--query` and text output prints the
# three values on one line
# (https://docs.aws.amazon.com/cli/latest/reference/sts/assume-role.html).
with_role() {
  local credentials key secret token
  credentials=$(aws sts assume-role --role-arn "$1" --role-session-name cdk-multi-env \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text) || return 1
  read -r key secret token <<< "$credentials"
  shift
  AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret AWS_SESSION_TOKEN=$token "$@"
}
