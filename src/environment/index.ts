export * from './environment-config';
export * from './isolated-environment';
export * from './recovery-runbook';
