import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acceptTierLogRetention } from '../private/log-retention';
import { acknowledgeVpc } from './private/environment-acknowledgements';
import { removalWithoutSnapshot } from './private/removal';

/** The subnet groups of an environment's VPC, in every availability zone. */
export const SUBNET_GROUPS = ['Public', 'Private', 'Data'];

export interface EnvironmentNetworkProps {
  /** `<app>-<environment>`, the start of every name. */
  readonly namePrefix: string;
  /** A VPC to create from this range; ignored when `vpc` is given. */
  readonly cidr?: string;
  /** A VPC the user brings: no VPC is created. */
  readonly vpc?: ec2.IVpc;
  readonly availabilityZones?: string[];
  readonly maxAzs: number;
  readonly natGateways: number;
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * An environment's network: its VPC (public, private and data subnets in each availability
 * zone; NAT gateways as the tier says; free gateway endpoints for S3 and DynamoDB so that even a
 * NAT-less VPC reaches them; flow logs to an encrypted log group), and its baseline security
 * groups, none of which accepts traffic from the internet.
 */
export class EnvironmentNetwork extends Construct {
  public readonly vpc: ec2.IVpc;
  public readonly applicationSecurityGroup: ec2.SecurityGroup;
  public readonly dataSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: EnvironmentNetworkProps) {
    super(scope, id);
    this.vpc = props.vpc ?? this.createVpc(props);

    this.applicationSecurityGroup = new ec2.SecurityGroup(this, 'ApplicationSecurityGroup', {
      vpc: this.vpc,
      securityGroupName: `${props.namePrefix}-application`,
      description: `${props.namePrefix} application tier: no ingress until a load balancer or peer is allowed in`,
      allowAllOutbound: true,
    });
    this.dataSecurityGroup = new ec2.SecurityGroup(this, 'DataSecurityGroup', {
      vpc: this.vpc,
      securityGroupName: `${props.namePrefix}-data`,
      description: `${props.namePrefix} data tier: reachable from the application tier only`,
      allowAllOutbound: false,
    });
    this.dataSecurityGroup.addIngressRule(this.applicationSecurityGroup, ec2.Port.allTcp(), 'from the application tier');
  }

  private createVpc(props: EnvironmentNetworkProps): ec2.Vpc {
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetention,
      encryptionKey: props.key,
      removalPolicy: removalWithoutSnapshot(props.removalPolicy),
    });
    acceptTierLogRetention(flowLogs, props.logRetention);
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr!),
      // Given zones avoid the availability-zone lookup, so synth needs no AWS credentials.
      ...(props.availabilityZones
        ? { availabilityZones: props.availabilityZones.slice(0, props.maxAzs) }
        : { maxAzs: props.maxAzs }),
      natGateways: props.natGateways,
      subnetConfiguration: [
        // Nothing launched here gets a public address unless it asks for one: the public subnets are for NAT gateways and load balancers.
        { name: SUBNET_GROUPS[0], subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        {
          name: SUBNET_GROUPS[1],
          subnetType: props.natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
        },
        { name: SUBNET_GROUPS[2], subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
      flowLogs: {
        All: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL },
      },
      // Said, not left to the app's feature flags: with @aws-cdk/aws-ec2:restrictDefaultSecurityGroup (which
      // `cdk init` sets) aws-cdk-lib would add the custom resource and its Lambda function (see below).
      restrictDefaultSecurityGroup: false,
    });
    acknowledgeVpc(vpc);
    return vpc;
  }
}
