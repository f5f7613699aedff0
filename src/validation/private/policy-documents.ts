import { TemplateResource } from './rule';

/** A policy document found in a resource, and the property path to it. */
export interface FoundDocument {
  /** For example `Properties/Policies/0/PolicyDocument`. */
  readonly location: string;
  readonly document: { Statement?: unknown };
}

/**
 * The policy documents of a resource, wherever they sit: any property named `PolicyDocument` or
 * `KeyPolicy` (IAM policies, managed policies, roles' inline `Policies`, bucket, topic, queue and
 * key policies, VPC endpoint policies, ...), at any depth of its properties. A role's
 * `AssumeRolePolicyDocument` is a trust policy, not a grant: it is included only when asked for
 * (trust-within-app reads trust policies its own way).
 */
export function policyDocumentsOf(resource: TemplateResource, options: { trustPolicies?: boolean } = {}): FoundDocument[] {
  const keys = ['PolicyDocument', 'KeyPolicy', ...options.trustPolicies ? ['AssumeRolePolicyDocument'] : []];
  const found: FoundDocument[] = [];
  const visit = (value: unknown, location: string) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${location}/${i}`));
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (keys.includes(key) && child && typeof child === 'object' && 'Statement' in child) {
          found.push({ location: `${location}/${key}`, document: child as FoundDocument['document'] });
        } else if (!key.startsWith('Fn::')) {
          visit(child, `${location}/${key}`);
        }
      }
    }
  };
  visit(resource.Properties, 'Properties');
  return found;
}
