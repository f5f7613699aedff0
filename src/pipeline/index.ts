export * from './delivery-alarms';
export * from './multi-env-pipeline';
export * from './pipeline-source';
export * from './pipeline-test';
export * from './slack-channel';
export * from './feature-lane';
