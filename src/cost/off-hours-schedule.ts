import { ValidationErrors } from '../private/validation-errors';

/** A day of the week. */
export enum WeekDay {
  /** Monday. */
  MONDAY = 'MON',
  /** Tuesday. */
  TUESDAY = 'TUE',
  /** Wednesday. */
  WEDNESDAY = 'WED',
  /** Thursday. */
  THURSDAY = 'THU',
  /** Friday. */
  FRIDAY = 'FRI',
  /** Saturday. */
  SATURDAY = 'SAT',
  /** Sunday. */
  SUNDAY = 'SUN',
}

/** When people work with an environment: outside these hours it is scaled down. */
export interface WorkingHoursOptions {
  /** When the environment must be up, `HH:MM` in 24-hour time, for example `07:00`. */
  readonly start: string;
  /** When it may go down, `HH:MM`, later the same day than `start`, for example `19:00`. */
  readonly stop: string;
  /**
   * The IANA time zone the hours are in, for example `Europe/Berlin`; daylight saving time is
   * followed.
   *
   * @default 'UTC'
   */
  readonly timeZone?: string;
  /**
   * Extra days off (public holidays, a company shutdown) as `YYYY-MM-DD`: the environment stays
   * down all day.
   *
   * @default - none
   */
  readonly daysOff?: string[];
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK_ORDER = [WeekDay.MONDAY, WeekDay.TUESDAY, WeekDay.WEDNESDAY, WeekDay.THURSDAY, WeekDay.FRIDAY, WeekDay.SATURDAY, WeekDay.SUNDAY];

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

function isTimeZone(name: string): boolean {
  return name === 'UTC' || Intl.supportedValuesOf('timeZone').includes(name);
}

/**
 * The working hours of an environment, from which the scheduler derives when to stop and when
 * to start: it starts on working days at `start`, and stops every day at `stop`, weekends
 * included, so that a database AWS restarted by itself after seven days stopped is stopped again.
 *
 * @example
 * import { OffHoursSchedule, WeekDay } from 'cdk-multi-env';
 *
 * const office = OffHoursSchedule.weekdays({ start: '07:00', stop: '18:00', timeZone: 'Europe/Berlin', daysOff: ['2026-12-24'] });
 * const shifts = OffHoursSchedule.onDays([WeekDay.MONDAY, WeekDay.WEDNESDAY], { start: '09:00', stop: '17:00' });
 */
export class OffHoursSchedule {
  /** Monday to Friday, between the hours given. */
  public static weekdays(options: WorkingHoursOptions): OffHoursSchedule {
    return OffHoursSchedule.onDays(WEEK_ORDER.slice(0, 5), options);
  }

  /** On the days given, between the hours given. */
  public static onDays(days: WeekDay[], options: WorkingHoursOptions): OffHoursSchedule {
    const errors = new ValidationErrors('OffHoursSchedule');
    if (days.length === 0) errors.add('days', 'is empty; give at least one working day, or do not schedule the environment');
    const repeated = days.filter((d, i) => days.indexOf(d) !== i);
    if (repeated.length > 0) errors.add('days', `lists ${[...new Set(repeated)].join(', ')} more than once`);
    for (const [field, time] of [['start', options.start], ['stop', options.stop]] as const) {
      if (!TIME.test(time)) errors.add(field, `is '${time}'; expected HH:MM in 24-hour time, for example 07:00`);
    }
    if (TIME.test(options.start) && TIME.test(options.stop) && minutesOf(options.stop) <= minutesOf(options.start)) {
      errors.add('stop', `is ${options.stop}, not after start (${options.start}); working hours end later the same day than they begin`);
    }
    const timeZone = options.timeZone ?? 'UTC';
    if (!isTimeZone(timeZone)) errors.add('timeZone', `is '${timeZone}'; expected an IANA time zone such as Europe/Berlin or UTC`);
    for (const day of options.daysOff ?? []) {
      const m = DATE.exec(day);
      const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
      if (!m || !date || date.getUTCMonth() !== Number(m[2]) - 1 || date.getUTCDate() !== Number(m[3])) {
        errors.add('daysOff', `has '${day}'; expected a date as YYYY-MM-DD`);
      }
    }
    errors.throwIfAny();
    return new OffHoursSchedule(WEEK_ORDER.filter(d => days.includes(d)), options.start, options.stop, timeZone, [...(options.daysOff ?? [])]);
  }

  /** The working days. */
  public readonly days: WeekDay[];
  /** When the environment starts on a working day, `HH:MM`. */
  public readonly start: string;
  /** When it stops, `HH:MM`. */
  public readonly stop: string;
  /** The IANA time zone of `start` and `stop`. */
  public readonly timeZone: string;
  /** Extra days off, `YYYY-MM-DD`. */
  public readonly daysOff: string[];

  private constructor(days: WeekDay[], start: string, stop: string, timeZone: string, daysOff: string[]) {
    this.days = days;
    this.start = start;
    this.stop = stop;
    this.timeZone = timeZone;
    this.daysOff = daysOff;
  }

  /** The hours a week the environment runs: 55 for weekdays 07:00 to 18:00 (extra days off not counted). */
  public get hoursPerWeek(): number {
    return (minutesOf(this.stop) - minutesOf(this.start)) * this.days.length / 60;
  }

  /** The EventBridge Scheduler expression that starts the environment: working days at `start`. */
  public get startExpression(): string {
    const [h, m] = this.start.split(':').map(Number);
    return `cron(${m} ${h} ? * ${this.days.join(',')} *)`;
  }

  /** The expression that stops it: every day at `stop`. */
  public get stopExpression(): string {
    const [h, m] = this.stop.split(':').map(Number);
    return `cron(${m} ${h} * * ? *)`;
  }

  /**
   * One-time expressions that stop the environment again a minute after it started on each
   * extra day off (EventBridge Scheduler cannot leave dates out of a cron expression).
   */
  public get dayOffExpressions(): string[] {
    const restop = minutesOf(this.start) + 1;
    const time = `${String(Math.floor(restop / 60)).padStart(2, '0')}:${String(restop % 60).padStart(2, '0')}:00`;
    return this.daysOff.map(day => `at(${day}T${time})`);
  }
}
