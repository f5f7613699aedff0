import { Aws } from 'aws-cdk-lib';

/** Every standard Security Hub offers, by its id (the end of its ARN). */
const KNOWN_STANDARDS: Record<string, string> = {
  'aws-foundational-security-best-practices/v/1.0.0': 'AWS Foundational Security Best Practices v1.0.0',
  'cis-aws-foundations-benchmark/v/1.2.0': 'CIS AWS Foundations Benchmark v1.2.0',
  'cis-aws-foundations-benchmark/v/1.4.0': 'CIS AWS Foundations Benchmark v1.4.0',
  'cis-aws-foundations-benchmark/v/3.0.0': 'CIS AWS Foundations Benchmark v3.0.0',
  'cis-aws-foundations-benchmark/v/5.0.0': 'CIS AWS Foundations Benchmark v5.0.0',
  'nist-800-53/v/5.0.0': 'NIST SP 800-53 Revision 5',
  'nist-800-171/v/2.0.0': 'NIST SP 800-171 Revision 2',
  'pci-dss/v/3.2.1': 'PCI DSS v3.2.1',
  'pci-dss/v/4.0.1': 'PCI DSS v4.0.1',
  'aws-resource-tagging-standard/v/1.0.0': 'AWS Resource Tagging Standard v1.0.0',
};

/** CIS v1.2.0 predates regional standards: its ARN is a global "ruleset". */
const LEGACY_CIS = 'cis-aws-foundations-benchmark/v/1.2.0';

/**
 * A Security Hub standard that `ComplianceBaseline` subscribes the account to.
 *
 * @example
 * import { SecurityHubStandard } from 'cdk-multi-env';
 *
 * const standards = [
 *   SecurityHubStandard.AWS_FOUNDATIONAL_BEST_PRACTICES,
 *   SecurityHubStandard.CIS_AWS_FOUNDATIONS_1_4,
 *   SecurityHubStandard.of('pci-dss/v/4.0.1'),
 * ];
 */
export class SecurityHubStandard {
  /** AWS Foundational Security Best Practices v1.0.0. */
  public static readonly AWS_FOUNDATIONAL_BEST_PRACTICES = new SecurityHubStandard('aws-foundational-security-best-practices/v/1.0.0');
  /**
   * CIS AWS Foundations Benchmark v1.4.0: the newest CIS version whose controls include the
   * CloudWatch metric-filter alarms (CloudWatch.1, .4 to .14) that the baseline creates.
   */
  public static readonly CIS_AWS_FOUNDATIONS_1_4 = new SecurityHubStandard('cis-aws-foundations-benchmark/v/1.4.0');
  /** CIS AWS Foundations Benchmark v3.0.0. */
  public static readonly CIS_AWS_FOUNDATIONS_3_0 = new SecurityHubStandard('cis-aws-foundations-benchmark/v/3.0.0');
  /** NIST SP 800-53 Revision 5. */
  public static readonly NIST_800_53_R5 = new SecurityHubStandard('nist-800-53/v/5.0.0');
  /** PCI DSS v3.2.1. */
  public static readonly PCI_DSS_3_2_1 = new SecurityHubStandard('pci-dss/v/3.2.1');

  /**
   * Any standard Security Hub offers, by the end of its ARN, for example `pci-dss/v/4.0.1` or
   * `cis-aws-foundations-benchmark/v/5.0.0`. A `ComplianceBaseline` rejects an id Security Hub
   * does not know.
   */
  public static of(id: string): SecurityHubStandard {
    return new SecurityHubStandard(id);
  }

  /** The ids `of()` accepts. */
  public static knownIds(): string[] {
    return Object.keys(KNOWN_STANDARDS);
  }

  /** The standard's id, the end of its ARN, for example `nist-800-53/v/5.0.0`. */
  public readonly id: string;

  private constructor(id: string) {
    this.id = id;
  }

  /** The standard's ARN in the stack's partition and region. */
  public get standardsArn(): string {
    return this.id === LEGACY_CIS
      ? `arn:${Aws.PARTITION}:securityhub:::ruleset/${this.id}`
      : `arn:${Aws.PARTITION}:securityhub:${Aws.REGION}::standards/${this.id}`;
  }

  /** Whether Security Hub offers the standard. */
  public get isKnown(): boolean {
    return this.id in KNOWN_STANDARDS;
  }

  /** The standard's id. */
  public toString(): string {
    return this.id;
  }
}
