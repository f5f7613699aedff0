export * from './backup-copy-destination';
export * from './backup-policy';
export * from './backup-resource-kind';
export * from './recovery-runbook';
