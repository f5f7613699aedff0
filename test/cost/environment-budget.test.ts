import { Match } from 'aws-cdk-lib/assertions';
import { EnvironmentTier } from '../../src';
import { environment, foundationOf, newApp } from '../support/environments';

describe('budget', () => {
  test('a monthly cost budget warns the alarm topic and the emails at 80% actual and 100% forecast spend', () => {
    const template = foundationOf(environment(newApp(), EnvironmentTier.QA, { budget: { monthlyLimitUsd: 250, emails: ['team@example.com'] } }));
    const subscribers = [{ SubscriptionType: 'SNS', Address: { Ref: Match.stringLikeRegexp('^AlarmTopic') } }, { SubscriptionType: 'EMAIL', Address: 'team@example.com' }];
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: { BudgetName: 'shop-qa-monthly', BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 250, Unit: 'USD' } },
      NotificationsWithSubscribers: [
        { Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' }, Subscribers: subscribers },
        { Notification: { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' }, Subscribers: subscribers },
      ],
    });
  });

  test('AWS Budgets may publish to the encrypted topic: topic policy and key policy', () => {
    const template = foundationOf(environment(newApp(), EnvironmentTier.DEV, { budget: { monthlyLimitUsd: 50 } }));
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'sns:Publish', Principal: { Service: 'budgets.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
        })]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AlarmsAndEventsPublishToEncryptedTopics',
          Principal: { Service: ['budgets.amazonaws.com', 'cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
        })]),
      },
    });
  });

  test('no budget unless one is given', () => {
    foundationOf(environment(newApp(), EnvironmentTier.PROD)).resourceCountIs('AWS::Budgets::Budget', 0);
  });

  test.each([
    [{ monthlyLimitUsd: 0 }, "[dev/Foundation/Budget] IsolatedEnvironment 'dev': budget.monthlyLimitUsd is 0; expected an amount of US dollars above zero"],
    [{ monthlyLimitUsd: 10, emails: ['not-an-email'] }, "[dev/Foundation/Budget] IsolatedEnvironment 'dev': budget.emails has 'not-an-email'; expected an email address"],
    [{ monthlyLimitUsd: 10, emails: Array.from({ length: 11 }, (_, i) => `p${i}@example.com`) },
      "[dev/Foundation/Budget] IsolatedEnvironment 'dev': budget.emails has 11 addresses; AWS Budgets notifies at most 10"],
  ])('rejects %j', (budget, message) => {
    expect(() => environment(newApp(), EnvironmentTier.DEV, { budget })).toThrow(new Error(message));
  });
});
