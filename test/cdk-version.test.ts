import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EnvironmentTier } from '../src';

/**
 * Exactly one aws-cdk-lib (and one constructs) is loaded, the one this run means: node_modules' pinned
 * one in the usual run; under scripts/test-newest-cdk.sh (CDK_NEWEST_DIR set), the newest 2.x that it
 * installed, for the tests, the library's code and cdk-nag alike.
 */
const newestDir = process.env.CDK_NEWEST_DIR;
const modules = join(newestDir ?? join(__dirname, '..'), 'node_modules');
const packageJson = (file: string): any => JSON.parse(readFileSync(file, 'utf-8'));
const versionIn = (dir: string): string => packageJson(join(dir, 'package.json')).version;

/** The folders of a package that Jest has loaded a file of (require.cache lists Jest's module registry). */
function loaded(pkg: string): string[] {
  const dirs = Object.keys(require.cache)
    .map(file => new RegExp(`^(.*[\\\\/]node_modules[\\\\/]${pkg})[\\\\/]`).exec(file)?.[1])
    .filter((dir): dir is string => dir !== undefined);
  return [...new Set(dirs)];
}

test('the tests, the library and cdk-nag load one aws-cdk-lib, the one this run means', () => {
  // WHEN the library and cdk-nag are used, so each has loaded its imports of aws-cdk-lib
  const app = new App();
  new CfnBucket(new Stack(app, 'Stack'), 'Bucket');
  app.synth();
  expect(EnvironmentTier.builtIn().length).toBeGreaterThan(0);
  expect(new AwsSolutionsChecks().validateScope(app).violations.length).toBeGreaterThan(0);
  // THEN only the expected aws-cdk-lib and constructs were loaded, by anyone
  expect(loaded('aws-cdk-lib')).toEqual([join(modules, 'aws-cdk-lib')]);
  expect(loaded('constructs')).toEqual([join(modules, 'constructs')]);
  expect(packageJson(require.resolve('aws-cdk-lib/package.json')).version).toBe(versionIn(join(modules, 'aws-cdk-lib')));
  if (!newestDir) {
    expect(versionIn(join(modules, 'aws-cdk-lib'))).toBe(packageJson(join(__dirname, '..', 'package.json')).devDependencies['aws-cdk-lib']);
  }
});
