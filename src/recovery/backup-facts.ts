import { CfnResource } from 'aws-cdk-lib';
import { BackupResourceKind } from './backup-resource-kind';
import { BackupLevel } from '../tiers/tier-profile';

/** What the runbook needs to know of a policy. Not part of the public API: it is what `BackupPolicy._facts()` returns. */
export interface BackupPolicyFacts {
  readonly level: BackupLevel;
  readonly vaultName: string;
  readonly account: string;
  readonly region: string;
  readonly roleName: string;
  readonly encryptedWithKey: boolean;
  readonly rules: { name: string; when: string; retentionDays: number; continuous: boolean }[];
  readonly copy?: { readonly account: string; readonly region: string; readonly vault: string };
  readonly lock?: { readonly minRetentionDays: number; readonly changeableForDays: number };
  readonly restoreTesting?: { readonly schedule: string; readonly planName: string };
  readonly tag: { readonly key: string; readonly value: string };
  readonly kinds: BackupResourceKind[];
  readonly addedResources: CfnResource[];
}
