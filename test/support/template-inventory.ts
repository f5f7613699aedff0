import { createHash } from 'crypto';
import * as cxapi from 'aws-cdk-lib/cx-api';

/**
 * A normalised summary of stacks for a snapshot a person can review: per stack (by account, region
 * and name), one line per resource and output with its logical id, type and a short hash of its
 * whole definition. A diff names each resource added, removed or changed; what changed in it is
 * for the fine-grained assertions, or a look at the template, to say.
 */
export function templateInventory(stacks: cxapi.CloudFormationStackArtifact[]): string {
  const lines: string[] = [];
  for (const stack of stacks) {
    lines.push(`${stack.environment.account}/${stack.environment.region} ${stack.stackName}${stack.terminationProtection ? ' (protected)' : ''}`);
    const template = stack.template;
    for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
      lines.push(`  ${id} ${resource.Type} ${hashOf(resource)}`);
    }
    for (const [id, output] of Object.entries<any>(template.Outputs ?? {})) {
      lines.push(`  ${id} Output ${hashOf(output)}`);
    }
  }
  return lines.join('\n');
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
}
