import { Duration } from 'aws-cdk-lib';
import { ValidationErrors } from '../../private/validation-errors';

/** `cdk gc` counts in whole days; an asset of the last day is never deleted. */
export function validateGracePeriod(gracePeriod: Duration, errors: ValidationErrors, field: string): void {
  const days = gracePeriod.toDays({ integral: false });
  if (Number.isInteger(days) && days >= 1) return;
  errors.add(field, `is ${gracePeriod.toHumanString()}; expected whole days, at least Duration.days(1) (cdk gc counts in days)`);
}
