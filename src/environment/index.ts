export * from './environment-config';
export * from './isolated-environment';
