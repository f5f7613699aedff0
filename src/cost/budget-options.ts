/** A monthly cost budget for an environment's account. */
export interface BudgetOptions {
  /** The monthly limit in US dollars. */
  readonly monthlyLimitUsd: number;

  /**
   * Email addresses told when the budget is at risk, besides the environment's alarm topic.
   *
   * @default - the alarm topic only
   */
  readonly emails?: string[];
}
