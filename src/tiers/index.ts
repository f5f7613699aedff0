export * from './environment-tier';
export * from './tier-profile';
export * from './deployment-window';
