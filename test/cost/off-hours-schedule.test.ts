import * as fc from 'fast-check';
import { OffHoursSchedule, WeekDay } from '../../src';

const ALL_DAYS = Object.values(WeekDay);
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

describe('OffHoursSchedule', () => {
  test('weekdays 07:00 to 18:00: started Monday to Friday, stopped every day, 55 hours a week', () => {
    const schedule = OffHoursSchedule.weekdays({ start: '07:00', stop: '18:00', timeZone: 'Europe/Berlin' });
    expect(schedule.startExpression).toBe('cron(0 7 ? * MON,TUE,WED,THU,FRI *)');
    expect(schedule.stopExpression).toBe('cron(0 18 * * ? *)');
    expect(schedule.hoursPerWeek).toBe(55);
    expect(schedule.timeZone).toBe('Europe/Berlin');
  });

  test('days off are stopped again a minute after the daily start', () => {
    const schedule = OffHoursSchedule.weekdays({ start: '08:30', stop: '17:00', daysOff: ['2026-12-24', '2026-12-31'] });
    expect(schedule.dayOffExpressions).toEqual(['at(2026-12-24T08:31:00)', 'at(2026-12-31T08:31:00)']);
    expect(schedule.timeZone).toBe('UTC');
  });

  test('days are kept in week order, whatever order they are given in', () => {
    const schedule = OffHoursSchedule.onDays([WeekDay.SUNDAY, WeekDay.MONDAY], { start: '10:00', stop: '12:30' });
    expect(schedule.days).toEqual([WeekDay.MONDAY, WeekDay.SUNDAY]);
    expect(schedule.hoursPerWeek).toBe(5);
  });

  test.each([
    ['hours inverted', [WeekDay.MONDAY], { start: '18:00', stop: '07:00' },
      'OffHoursSchedule: stop is 07:00, not after start (18:00); working hours end later the same day than they begin'],
    ['start and stop equal', [WeekDay.MONDAY], { start: '09:00', stop: '09:00' },
      'OffHoursSchedule: stop is 09:00, not after start (09:00); working hours end later the same day than they begin'],
    ['an hour that does not exist', [WeekDay.MONDAY], { start: '24:00', stop: '25:00' },
      "OffHoursSchedule: 2 problems:\n  - start is '24:00'; expected HH:MM in 24-hour time, for example 07:00\n  - stop is '25:00'; expected HH:MM in 24-hour time, for example 07:00"],
    ['a time without minutes', [WeekDay.MONDAY], { start: '7', stop: '18:00' },
      "OffHoursSchedule: start is '7'; expected HH:MM in 24-hour time, for example 07:00"],
    ['an unknown time zone', [WeekDay.MONDAY], { start: '07:00', stop: '18:00', timeZone: 'Europe/Atlantis' },
      "OffHoursSchedule: timeZone is 'Europe/Atlantis'; expected an IANA time zone such as Europe/Berlin or UTC"],
    ['no working day', [], { start: '07:00', stop: '18:00' },
      'OffHoursSchedule: days is empty; give at least one working day, or do not schedule the environment'],
    ['a day twice', [WeekDay.MONDAY, WeekDay.MONDAY], { start: '07:00', stop: '18:00' },
      'OffHoursSchedule: days lists MON more than once'],
    ['a day off that is no date', [WeekDay.MONDAY], { start: '07:00', stop: '18:00', daysOff: ['2026-02-30'] },
      "OffHoursSchedule: daysOff has '2026-02-30'; expected a date as YYYY-MM-DD"],
  ])('rejects %s, naming the field', (_, days, options, message) => {
    expect(() => OffHoursSchedule.onDays(days as WeekDay[], options)).toThrow(new Error(message));
  });
});

describe('OffHoursSchedule, for any valid working hours and time zone', () => {
  const zones = fc.constantFrom(...Intl.supportedValuesOf('timeZone'), 'UTC');
  const hours = fc.tuple(fc.integer({ min: 0, max: 1438 }), fc.integer({ min: 1, max: 1439 }))
    .map(([a, b]) => (a < b ? [a, b] : [b, a]))
    .filter(([a, b]) => a < b);
  const days = fc.subarray(ALL_DAYS, { minLength: 1 });

  test('every stop has its start, hours are never inverted, and the week adds up', () => {
    fc.assert(fc.property(days, hours, zones, (d, [start, stop], timeZone) => {
      const schedule = OffHoursSchedule.onDays(d, { start: hhmm(start), stop: hhmm(stop), timeZone });
      const start2 = /^cron\((\d+) (\d+) \? \* ([A-Z,]+) \*\)$/.exec(schedule.startExpression)!;
      const stop2 = /^cron\((\d+) (\d+) \* \* \? \*\)$/.exec(schedule.stopExpression)!;
      const startAt = Number(start2[2]) * 60 + Number(start2[1]);
      const stopAt = Number(stop2[2]) * 60 + Number(stop2[1]);
      expect(startAt).toBe(start);
      expect(stopAt).toBe(stop);
      expect(startAt).toBeLessThan(stopAt);
      expect(start2[3].split(',').sort()).toEqual([...d].sort());
      expect(schedule.hoursPerWeek).toBeCloseTo((stop - start) * d.length / 60, 10);
      expect(schedule.timeZone).toBe(timeZone);
    }));
  });

  test('inverted hours, unknown zones and empty schedules always fail, naming the field', () => {
    fc.assert(fc.property(hours, fc.string({ minLength: 1, maxLength: 12 }).filter(z => z !== 'UTC' && !Intl.supportedValuesOf('timeZone').includes(z)),
      ([start, stop], badZone) => {
        expect(() => OffHoursSchedule.onDays([WeekDay.MONDAY], { start: hhmm(stop), stop: hhmm(start) })).toThrow(/stop is .*, not after start/);
        expect(() => OffHoursSchedule.onDays([WeekDay.MONDAY], { start: hhmm(start), stop: hhmm(stop), timeZone: badZone })).toThrow(/timeZone is '/);
        expect(() => OffHoursSchedule.onDays([], { start: hhmm(start), stop: hhmm(stop) })).toThrow(/days is empty/);
      }));
  });
});
