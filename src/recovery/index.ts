export * from './backup-copy-destination';
export * from './backup-policy';
export * from './backup-resource-kind';
