import { Aws, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/** The partition of a region, written out where the region is known (shorter templates and build specs), else the stack's. */
export function partitionOf(region: string): string {
  return (!Token.isUnresolved(region) && RegionInfo.get(region).partition) || Aws.PARTITION;
}
