export * from './compliance';
export * from './cost';
export * from './environment';
export * from './monitoring';
export * from './pipeline';
export * from './recovery';
export * from './tiers';
export * from './validation';
