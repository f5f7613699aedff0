// Jest's configuration for scripts/test-newest-cdk.sh: the project's own (package.json "jest", which
// projen writes) with every aws-cdk-lib and constructs import sent to the newest versions that the
// script installed into CDK_NEWEST_DIR. moduleNameMapper applies to every module Jest loads, those in
// node_modules (cdk-nag, @cdklabs/cdk-validator-cfnguard) included, and to require.resolve.
const path = require('path');

const root = path.join(__dirname, '..');
const dir = process.env.CDK_NEWEST_DIR;
if (!dir) throw new Error('CDK_NEWEST_DIR is not set: run scripts/test-newest-cdk.sh');
const base = require(path.join(root, 'package.json')).jest;
const modules = path.join(dir, 'node_modules');

module.exports = {
  ...base,
  rootDir: root,
  moduleNameMapper: {
    ...base.moduleNameMapper,
    '^aws-cdk-lib$': path.join(modules, 'aws-cdk-lib'),
    '^aws-cdk-lib/(.*)$': path.join(modules, 'aws-cdk-lib', '$1'),
    '^constructs$': path.join(modules, 'constructs'),
    '^constructs/(.*)$': path.join(modules, 'constructs', '$1'),
  },
  // Coverage is the pinned run's to measure.
  collectCoverage: false,
};
