import { Token } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BudgetOptions } from './budget-options';
import { ValidationErrors } from '../private/validation-errors';

export interface EnvironmentBudgetProps extends BudgetOptions {
  /** `<app>-<environment>`, the budget's name. */
  readonly namePrefix: string;
  /** The environment's name, for error messages. */
  readonly environmentName: string;
  /** Told when actual spend passes 80% of the limit, or forecast spend passes 100%. */
  readonly topic: sns.ITopic;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** AWS Budgets takes at most ten email subscribers per notification. */
const MAX_EMAILS = 10;

/**
 * An AWS Budgets cost budget for the environment's account (each environment has an account of
 * its own, so the account's spend is the environment's) that warns early: when actual spend
 * passes 80% of the month's limit, and when the forecast for the month passes 100%.
 */
export class EnvironmentBudget extends Construct {
  constructor(scope: Construct, id: string, props: EnvironmentBudgetProps) {
    super(scope, id);
    const errors = new ValidationErrors(`IsolatedEnvironment '${props.environmentName}'`, this);
    const limit = props.monthlyLimitUsd;
    if (!Token.isUnresolved(limit) && !(Number.isFinite(limit) && limit > 0)) {
      errors.add('budget.monthlyLimitUsd', `is ${limit}; expected an amount of US dollars above zero`);
    }
    const emails = props.emails ?? [];
    for (const email of emails.filter(e => !Token.isUnresolved(e) && !EMAIL.test(e))) {
      errors.add('budget.emails', `has '${email}'; expected an email address`);
    }
    if (emails.length > MAX_EMAILS) errors.add('budget.emails', `has ${emails.length} addresses; AWS Budgets notifies at most ${MAX_EMAILS}`);
    errors.throwIfAny();

    const subscribers = [
      { subscriptionType: 'SNS', address: props.topic.topicArn },
      ...emails.map(address => ({ subscriptionType: 'EMAIL', address })),
    ];
    const notify = (notificationType: string, threshold: number) => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold, thresholdType: 'PERCENTAGE' },
      subscribers,
    });
    new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: `${props.namePrefix}-monthly`,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: limit, unit: 'USD' },
      },
      notificationsWithSubscribers: [notify('ACTUAL', 80), notify('FORECASTED', 100)],
    });
  }
}
