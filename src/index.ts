export * from './compliance';
export * from './cost';
export * from './environment';
export * from './pipeline';
export * from './tiers';
