import * as fs from 'fs';
import * as path from 'path';
import { FileSystem, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { directoryDigest, fetchBundleCommand, readBundles } from './checked-bundle';
import { JOB_TMP } from './job-temp';
import { validationError } from '../../private/validation-errors';

/** A plan file's variables: each a string, or a bash array of strings. */
export type PlanVariables = Record<string, string | string[]>;

/**
 * What one job reads per environment and per stack (the stacks it deploys or reviews, their
 * regions, the roles it reads them with), as files of bash variable assignments, `<name>.sh`, that
 * the job's commands read into their shell (`JobPlan.read`). Written into the build spec, these made
 * it grow with every environment and every stack, past CodeBuild's 25,600 characters at 48
 * environments; the build spec now holds the commands and one line per build of a batch.
 *
 * The plan is an asset of the pipeline's stack, fetched and checked against its digest like the gate
 * scripts (`FETCH_BUNDLE`): it comes from the pipeline's own definition, as the build spec did, never
 * from the commit under review, and no one who may write to the asset bucket can change it.
 */
export class JobPlan extends Construct {
  /** Where a job finds its plan once fetched, in double quotes' syntax. */
  public static readonly DIRECTORY = `${JOB_TMP}/plan`;

  /** The command that reads the plan file `file` (without `.sh`; in double quotes' syntax, such as `$CODEBUILD_BATCH_BUILD_IDENTIFIER`) into the build's shell. */
  public static read(file: string): string {
    return `. "${JobPlan.DIRECTORY}/${file}.sh"`;
  }

  private readonly asset: s3assets.Asset;
  private readonly digest: string;

  /** @param files the plan's files, by name (without `.sh`): a batch build's identifier, or `job` */
  constructor(scope: Construct, id: string, files: Record<string, PlanVariables>) {
    super(scope, id);
    Object.values(files).flatMap(variables => Object.entries(variables)).forEach(([name, value]) => {
      if ([value].flat().some(v => Token.isUnresolved(v))) {
        throw validationError(`${this.node.path}: ${name} is ${JSON.stringify(value)}, which holds a token; a job's plan is written at synth, so the environments' accounts and regions must be literal strings`, this);
      }
    });
    // As aws-cdk-lib's own `Source.data()` (aws-s3-deployment/lib/source.ts) writes data: into a
    // temporary directory, staged as an asset (copied into the cloud assembly), then removed.
    const directory = FileSystem.mkdtemp('cdk-multi-env-plan');
    try {
      Object.entries(files).forEach(([name, variables]) => fs.writeFileSync(path.join(directory, `${name}.sh`), assignments(variables)));
      this.asset = new s3assets.Asset(this, 'Asset', { path: directory });
      this.digest = directoryDigest(directory);
    } finally {
      FileSystem.rmrf(directory);
    }
  }

  /** The command that fetches and checks the plan, once the build has defined `FETCH_BUNDLE`. */
  public fetchCommand(): string {
    return fetchBundleCommand(JobPlan.DIRECTORY, this.asset, this.digest);
  }

  /** Permission to read the plan, and nothing else of the asset bucket. */
  public readStatement(): iam.PolicyStatement {
    return readBundles([this.asset]);
  }
}

/** Bash assignments of `variables`, one a line, each value in single quotes (a `'` as `'\''`). */
function assignments(variables: PlanVariables): string {
  const quote = (value: string) => `'${value.replace(/'/g, '\'\\\'\'')}'`;
  return Object.entries(variables)
    .map(([name, value]) => `${name}=${Array.isArray(value) ? `(${value.map(quote).join(' ')})` : quote(value)}\n`).join('');
}
