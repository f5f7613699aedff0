export * from './bootstrap-cleanup';
export * from './budget-options';
export * from './cost-scheduler';
export * from './off-hours-schedule';
export * from './tier-capacity';
