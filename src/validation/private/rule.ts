import { IamReference } from './iam-reference';

/** A resource of a CloudFormation template, as synthesized. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, any>;
}

/** One synthesized template, with what the app's construct tree tells about its stack. */
export interface CheckedTemplate {
  /** The absolute path of the template file. */
  readonly templatePath: string;
  readonly resources: Record<string, TemplateResource>;
  /** The stack's account, when it is known at synth time. */
  readonly account?: string;
  /** The construct path of the stack, when the template is one of the app's stacks. */
  readonly stackPath?: string;
  /** Whether the stack belongs to an environment of a production tier (not a feature copy). */
  readonly production: boolean;
  /** Whether the stack has termination protection. */
  readonly terminationProtection: boolean;
  /** The stack tags the cloud assembly's manifest gives the stack: what a deploy passes to CloudFormation. */
  readonly stackTags: Record<string, string>;
  /** The stack tags a stack of an `IsolatedEnvironment` must carry (its environment, tier and app). */
  readonly environmentTags?: Record<string, string>;
}

/** What the rules know of the whole app. */
export interface AppFacts {
  /** The accounts of the app's stacks and environments, and those the user trusts besides. */
  readonly accounts: ReadonlySet<string>;
  /**
   * The accounts of the app's production stacks: those of `IsolatedEnvironment`s of a production
   * tier that are not a feature branch's copy (the stacks `CheckedTemplate.production` marks).
   */
  readonly productionAccounts: ReadonlySet<string>;
  /** The accounts of the app's `IsolatedEnvironment`s, feature copies left out. */
  readonly environmentAccounts: ReadonlySet<string>;
  /** AWS's definitions of IAM actions and condition keys, read once per validation. */
  readonly iam: IamReference;
}

/**
 * Where a rule found a problem: a resource (by logical id) and the places in it, as property paths
 * (`Properties/PolicyDocument/Statement/0/Action`), or the stack itself when `logicalId` is absent.
 */
export interface Finding {
  readonly logicalId?: string;
  readonly locations: string[];
}

/** One rule: a pure function of a template (and the app's facts) to what violates it. */
export interface SafetyRule {
  /** The rule's id, also its file's name. */
  readonly name: string;
  readonly description: string;
  readonly fix: string;
  /** How the report ranks what it finds: an error fails synthesis, a warning is reported only. @default error */
  readonly severity?: 'error' | 'warning';
  check(template: CheckedTemplate, app: AppFacts): Finding[];
}

/** The value as an array: CloudFormation takes one value or a list in many places (Action, Principal). */
export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether a CloudFormation boolean is true (templates hold `true` or `'true'`). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
