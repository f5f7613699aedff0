export * from './safety-checks';
export * from './guard-suppressions';
