import { Token } from 'aws-cdk-lib';
import { ValidationErrors } from './validation-errors';

const NAME = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;
const NAME_RULE = 'lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 32 characters';

/**
 * Names of tiers, apps and environments end up in tags, resource names, SSM paths and stack names:
 * they are held to what all of those accept.
 */
export function checkName(errors: ValidationErrors, field: string, value: string): void {
  if (Token.isUnresolved(value)) {
    errors.add(field, 'is a token; it must be a literal string, known at synth time');
  } else if (!NAME.test(value)) {
    errors.add(field, `is '${value}'; expected ${NAME_RULE}`);
  }
}
