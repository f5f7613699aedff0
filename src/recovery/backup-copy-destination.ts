import * as backup from 'aws-cdk-lib/aws-backup';

/** Options of a copy to a vault the library creates in a second region. */
export interface CopyRegionOptions {
  /**
   * The account that holds the copies, for example a backup account of the organization, so that
   * losing the environment's account does not lose its backups. AWS Organizations must allow
   * cross-account backup, and the account must be bootstrapped to trust the tooling account.
   *
   * @default - the environment's own account
   */
  readonly account?: string;
}

/**
 * Where a backup policy copies every recovery point, away from the environment's region.
 *
 * @example
 * import { BackupCopyDestination, EnvironmentTier, IsolatedEnvironment } from 'cdk-multi-env';
 * import * as cdk from 'aws-cdk-lib';
 *
 * const app = new cdk.App();
 * new IsolatedEnvironment(app, 'Prod', {
 *   tier: EnvironmentTier.PROD,
 *   appName: 'shop',
 *   account: '444444444444',
 *   region: 'eu-west-1',
 *   toolingAccount: '999999999999',
 *   cidr: '10.40.0.0/16',
 *   backup: {
 *     // copies in Frankfurt, in the organization's backup account
 *     copyTo: BackupCopyDestination.toRegion('eu-central-1', { account: '888888888888' }),
 *   },
 * });
 */
export class BackupCopyDestination {
  /**
   * A vault the library creates in another region (and optionally another account), encrypted
   * with a key of its own there and locked like the environment's vault.
   */
  public static toRegion(region: string, options: CopyRegionOptions = {}): BackupCopyDestination {
    return new BackupCopyDestination(region, options.account, undefined);
  }

  /** A vault that already exists, in another region or account. */
  public static toVault(vault: backup.IBackupVault): BackupCopyDestination {
    return new BackupCopyDestination(undefined, undefined, vault);
  }

  /** No copy: recovery points stay in the environment's region only. */
  public static none(): BackupCopyDestination {
    return new BackupCopyDestination(undefined, undefined, undefined);
  }

  /**
   * The region of the vault the library creates.
   *
   * @default - none: an existing vault, or no copy
   */
  public readonly region?: string;
  /**
   * The account of the vault the library creates.
   *
   * @default - the environment's own account
   */
  public readonly account?: string;
  /**
   * The existing vault.
   *
   * @default - none: a vault the library creates, or no copy
   */
  public readonly vault?: backup.IBackupVault;

  private constructor(region: string | undefined, account: string | undefined, vault: backup.IBackupVault | undefined) {
    this.region = region;
    this.account = account;
    this.vault = vault;
  }
}
