/**
 * When a stage may change: the pipeline lets a change into the stage's deploys only while the
 * window is open (CodePipeline's `DeploymentWindow` rule in the stage's entry condition); a change
 * that arrives outside it waits for it to open, rather than failing. The approval before the
 * deploy is not held back: a release manager can approve at any hour, and the deploy waits.
 */
export class DeploymentWindow {
  /**
   * Monday to Friday, from `fromHour` to `toHour` (whole hours, 0 to 24, `toHour` later), in a time zone.
   *
   * @param fromHour the hour the window opens (09 opens it at 09:00)
   * @param toHour the hour it closes (16 closes it at 16:00)
   * @param timeZone an IANA time zone such as `Europe/Berlin`, `UTC`, or `UTC+05:30`
   */
  public static weekdays(fromHour: number, toHour: number, timeZone: string): DeploymentWindow {
    const valid = Number.isInteger(fromHour) && Number.isInteger(toHour) && fromHour >= 0 && toHour <= 24 && fromHour < toHour;
    return new DeploymentWindow(`* * ${fromHour}-${toHour - 1} ? * MON-FRI *`, timeZone,
      valid ? undefined : `is DeploymentWindow.weekdays(${fromHour}, ${toHour}, ...), which is not a window; give whole hours from 0 to 24, the first earlier than the second (9, 16 is 09:00 to 16:00)`);
  }

  /**
   * A window as CodePipeline's cron expression: six fields and an optional year (seconds, which
   * are always `*`, minutes, hours, day of month, month, day of week, year), open at every second
   * it matches.
   *
   * @param timeZone an IANA time zone such as `Europe/Berlin`, `UTC`, or `UTC+05:30`
   */
  public static cron(expression: string, timeZone: string): DeploymentWindow {
    return new DeploymentWindow(expression, timeZone);
  }

  /** The cron expression of the window, as CodePipeline's rule takes it. */
  public readonly expression: string;
  /** The time zone the expression is read in. */
  public readonly timeZone: string;
  private readonly problem?: string;

  private constructor(expression: string, timeZone: string, problem?: string) {
    this.expression = expression;
    this.timeZone = timeZone;
    this.problem = problem;
  }

  /**
   * What is wrong with the window, for an error naming the field it was given in; none when valid.
   *
   * @internal
   */
  public _problems(): string[] {
    if (this.problem) return [this.problem];
    const problems: string[] = [];
    const fields = this.expression.trim().split(/\s+/);
    if (fields.length < 6 || fields.length > 7) {
      problems.push(`has cron expression '${this.expression}' with ${fields.length} fields; expected 6 or 7: seconds (always *), minutes, hours, day of month, `
        + 'month, day of week and optionally year, such as \'* * 9-15 ? * MON-FRI *\'');
    } else {
      FIELDS.forEach(([name, allowed], i) => {
        if (fields[i] !== undefined && !allowed.test(fields[i])) problems.push(`has cron expression '${this.expression}', whose ${name} field '${fields[i]}' is not valid there`);
      });
    }
    if (!isTimeZone(this.timeZone)) {
      problems.push(`has time zone '${this.timeZone}'; expected an IANA time zone such as 'Europe/Berlin', 'UTC', or an offset such as 'UTC+05:30'`);
    }
    return problems;
  }
}

/** Each field of CodePipeline's cron expression and the characters it takes. */
const FIELDS: Array<[string, RegExp]> = [
  ['seconds', /^\*$/],
  ['minutes', /^[0-9,*/-]+$/],
  ['hours', /^[0-9,*/-]+$/],
  ['day-of-month', /^[0-9,*?/LW-]+$/],
  ['month', /^([0-9,*/-]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)+$/i],
  ['day-of-week', /^([0-9,*?/L#-]|SUN|MON|TUE|WED|THU|FRI|SAT)+$/i],
  ['year', /^[0-9,*/-]+$/],
];

function isTimeZone(timeZone: string): boolean {
  if (/^UTC([+-](0\d|1[0-4]):[0-5]\d)?$/.test(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone.includes('/');
  } catch {
    return false;
  }
}
