export * from './cost-scheduler';
export * from './off-hours-schedule';
