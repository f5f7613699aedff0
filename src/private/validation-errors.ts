import * as path from 'path';
import { IConstruct } from 'constructs';

/**
 * Where the frames of a stack trace come from that the user did not write: the library's own code
 * (src/ in this repository, lib/ in the package), and aws-cdk-lib's and constructs' (an error at
 * synth is thrown under `app.synth()`).
 */
const NOT_THE_CALLER = [
  path.resolve(__dirname, '..') + path.sep,
  `${path.sep}node_modules${path.sep}aws-cdk-lib${path.sep}`,
  `${path.sep}node_modules${path.sep}constructs${path.sep}`,
];

/** Bad input: named as aws-cdk-lib names its own. */
class ValidationError extends Error {
  public readonly name = 'ValidationError';
}

/**
 * Collects every problem found in one props object, so the user sees them all in one synth
 * instead of fixing them one run at a time.
 *
 * The error it throws reads like aws-cdk-lib's own validation errors: a `ValidationError` whose
 * message starts with the path of the construct at fault (`[Tooling/Delivery] ...`), where there
 * is one. Its stack starts at the caller's code: the frames inside this library are left out, so
 * that Node and ts-node point at the line of the app that passed the bad input, not at a line of
 * the library's sources, which the package does not ship.
 */
export class ValidationErrors {
  private readonly problems: string[] = [];

  /**
   * @param subject what is being validated, e.g. `EnvironmentTier.custom 'perf'`; it starts the message.
   * @param scope the construct at fault, or (for a construct not made yet) its parent and its id.
   */
  constructor(private readonly subject: string, private readonly scope?: IConstruct | [parent: IConstruct, id: string]) {}

  /** Records one problem: which field, what it holds, what is expected. */
  public add(field: string, problem: string): void {
    this.problems.push(`${field} ${problem}`);
  }

  /** Throws one error that lists every recorded problem, if there is any. */
  public throwIfAny(): void {
    if (this.problems.length === 0) return;
    const what = this.problems.length === 1 ? this.problems[0]
      : `${this.problems.length} problems:\n${this.problems.map(p => `  - ${p}`).join('\n')}`;
    throw validationError(`${this.subject}: ${what}`, this.scope);
  }
}

/** One problem as an error, at once: see `ValidationErrors`. */
export function validationError(message: string, scope?: IConstruct | [parent: IConstruct, id: string]): Error {
  const at = scope === undefined ? undefined : Array.isArray(scope) ? [scope[0].node.path, scope[1]].filter(p => p !== '').join('/') : scope.node.path;
  // Deep enough to reach the caller's frames under aws-cdk-lib's synthesis; as many of them kept as Node would show.
  const shown = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const error = new ValidationError(at ? `[${at}] ${message}` : message);
  Error.stackTraceLimit = shown;
  const callers = (error.stack ?? '').split('\n').filter(line => line.startsWith('    at ') && !NOT_THE_CALLER.some(code => line.includes(code)));
  error.stack = [`${error.name}: ${error.message}`, ...callers.slice(0, shown)].join('\n');
  return error;
}
