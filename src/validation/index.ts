export * from './safety-checks';
