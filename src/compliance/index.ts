export * from './compliance-baseline';
export * from './compliance-baseline-options';
export * from './compliance-baseline-stack-set';
export * from './security-hub-standard';
