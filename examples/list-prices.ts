/**
 * The list prices the summary uses to count what an environment's foundation costs per month
 * before any workload runs: resources billed by the hour or the month whatever their use.
 * Usage-billed items (NAT and flow-log data, API requests) are left out: they depend on traffic.
 *
 * Region eu-west-1 (the reference app's), USD, on-demand list prices as published on the AWS
 * pricing pages for Amazon VPC (NAT gateways, public IPv4 addresses, endpoints), AWS KMS and AWS
 * Secrets Manager, read 2026-11. They are not
 * fetched at run time: check the pricing pages before relying on them.
 */
export const LIST_PRICES = {
  region: 'eu-west-1',
  /** Hours in an average month, as AWS bills them. */
  hoursPerMonth: 730,
  /** A NAT gateway, per hour. */
  natGatewayHour: 0.048,
  /** A public IPv4 address (each NAT gateway's Elastic IP), per hour. */
  publicIpv4Hour: 0.005,
  /** An interface VPC endpoint, per availability zone, per hour. */
  interfaceEndpointAzHour: 0.011,
  /** A customer-managed KMS key, per month (each of its first two rotations adds as much again). */
  kmsKeyMonth: 1.0,
  /** A Secrets Manager secret, per month. */
  secretMonth: 0.4,
};

/** What some templates cost per month whatever their traffic, and the counts behind it. */
export interface FixedCost {
  readonly natGateways: number;
  readonly publicIpv4Addresses: number;
  readonly interfaceEndpointAzs: number;
  readonly kmsKeys: number;
  readonly secrets: number;
  readonly monthly: number;
}

/** Counts the resources of some templates (an environment's stacks) that cost by the hour or the month, and prices them. */
export function fixedMonthlyCost(templates: { Resources?: Record<string, { Type: string; Properties?: any }> }[]): FixedCost {
  const resources = templates.flatMap(t => Object.values(t.Resources ?? {}));
  const count = (type: string) => resources.filter(r => r.Type === type).length;
  const natGateways = count('AWS::EC2::NatGateway');
  const publicIpv4Addresses = count('AWS::EC2::EIP');
  const interfaceEndpointAzs = resources
    .filter(r => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties?.VpcEndpointType === 'Interface')
    .reduce((sum, r) => sum + (r.Properties?.SubnetIds?.length ?? 0), 0);
  const kmsKeys = count('AWS::KMS::Key');
  const secrets = count('AWS::SecretsManager::Secret');
  const p = LIST_PRICES;
  const monthly = natGateways * p.natGatewayHour * p.hoursPerMonth
    + publicIpv4Addresses * p.publicIpv4Hour * p.hoursPerMonth
    + interfaceEndpointAzs * p.interfaceEndpointAzHour * p.hoursPerMonth
    + kmsKeys * p.kmsKeyMonth
    + secrets * p.secretMonth;
  return { natGateways, publicIpv4Addresses, interfaceEndpointAzs, kmsKeys, secrets, monthly };
}
