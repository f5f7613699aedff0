import * as path from 'path';
import { Stack, Stage, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { IsolatedEnvironment } from '../../environment/isolated-environment';
import { APP_TAG, ENVIRONMENT_TAG } from '../../private/stack-tags';

/** What the construct tree tells about one stack's template. */
export interface StackFacts {
  readonly account?: string;
  readonly stackPath: string;
  readonly production: boolean;
  readonly terminationProtection: boolean;
  /** The stack tags a stack of an `IsolatedEnvironment` carries: its environment, tier and app. */
  readonly environmentTags?: Record<string, string>;
}

/** The app's stacks by the absolute path of their template, the accounts of the app, of its production stacks and of its environments. */
export interface ConstructTreeFacts {
  readonly stacksByTemplate: Map<string, StackFacts>;
  readonly accounts: Set<string>;
  readonly productionAccounts: Set<string>;
  readonly environmentAccounts: Set<string>;
}

const literal = (value: string | undefined): string | undefined => (value !== undefined && !Token.isUnresolved(value) ? value : undefined);

/**
 * Reads the finished construct tree: every stack, where its template was written and whether it
 * belongs to an `IsolatedEnvironment` of a production tier (a feature branch's copy never does),
 * the accounts of the app: those of its stacks and the environments' tooling accounts, the
 * accounts of its production stacks, and those of its environments (feature copies left out).
 */
export function readConstructTree(root: IConstruct): ConstructTreeFacts {
  const stacksByTemplate = new Map<string, StackFacts>();
  const accounts = new Set<string>();
  const productionAccounts = new Set<string>();
  const environmentAccounts = new Set<string>();
  for (const construct of root.node.findAll()) {
    if (construct instanceof IsolatedEnvironment) {
      const tooling = literal(construct.toolingAccount);
      if (tooling) accounts.add(tooling);
    }
    if (!Stack.isStack(construct)) continue;
    const stage = Stage.of(construct);
    const account = literal(construct.account);
    if (account) accounts.add(account);
    if (!stage) continue;
    const environment = stage instanceof IsolatedEnvironment ? stage : undefined;
    const production = environment !== undefined && environment.profile.production && environment.featureBranch === undefined;
    if (production && account) productionAccounts.add(account);
    if (environment && environment.featureBranch === undefined && account) environmentAccounts.add(account);
    stacksByTemplate.set(path.resolve(stage.outdir, construct.templateFile), {
      account,
      stackPath: construct.node.path,
      production,
      terminationProtection: construct.terminationProtection,
      environmentTags: environment && { [ENVIRONMENT_TAG]: environment.environmentName, Tier: environment.tier.name, [APP_TAG]: environment.appName },
    });
  }
  return { stacksByTemplate, accounts, productionAccounts, environmentAccounts };
}
