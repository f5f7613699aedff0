/**
 * Collects every problem found in one props object, so the user sees them all in one synth
 * instead of fixing them one run at a time (STYLE.md habit 6).
 */
export class ValidationErrors {
  private readonly problems: string[] = [];

  /** @param subject what is being validated, e.g. `EnvironmentTier.custom 'perf'`; it starts the message. */
  constructor(private readonly subject: string) {}

  /** Records one problem: which field, what it holds, what is expected. */
  public add(field: string, problem: string): void {
    this.problems.push(`${field} ${problem}`);
  }

  /** Throws one error that lists every recorded problem, if there is any. */
  public throwIfAny(): void {
    if (this.problems.length === 0) return;
    if (this.problems.length === 1) throw new Error(`${this.subject}: ${this.problems[0]}`);
    throw new Error(`${this.subject}: ${this.problems.length} problems:\n${this.problems.map(p => `  - ${p}`).join('\n')}`);
  }
}
