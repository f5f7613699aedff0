export * from './environment-tier';
export * from './tier-profile';
