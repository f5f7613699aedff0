export * from './compliance-baseline';
export * from './compliance-baseline-options';
export * from './security-hub-standard';
