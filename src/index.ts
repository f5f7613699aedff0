export * from './environment';
export * from './tiers';
