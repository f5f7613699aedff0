import { asArray, Finding, isTrue, SafetyRule, TemplateResource } from './rule';

const BLOCKS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];

/** Whether a bucket policy statement denies every request to the bucket that does not use TLS. */
function deniesPlainHttp(statement: any): boolean {
  if (!statement || statement.Effect !== 'Deny') return false;
  const everyone = statement.Principal === '*' || asArray(statement.Principal?.AWS).includes('*');
  const everyAction = asArray(statement.Action).some(a => a === '*' || a === 's3:*');
  const secureTransport = statement.Condition?.Bool?.['aws:SecureTransport'];
  return everyone && everyAction && (secureTransport === false || secureTransport === 'false');
}

/** Whether a bucket policy's `Bucket` names the bucket: by `Ref`, or by the bucket's literal name. */
function policyIsFor(policy: TemplateResource, logicalId: string, bucket: TemplateResource): boolean {
  const target = policy.Properties?.Bucket;
  if (target?.Ref === logicalId) return true;
  return typeof target === 'string' && target === bucket.Properties?.BucketName;
}

/**
 * Every bucket blocks public access (`PublicAccessBlockConfiguration` with its four settings true)
 * and enforces TLS: a bucket policy of the same template (`AWS::S3::BucketPolicy` whose `Bucket`
 * is a `Ref` to it or its literal name) has a statement that denies `s3:*` (or `*`) to every
 * principal when `aws:SecureTransport` is false. The statement's resources are not read.
 */
export const bucketPublicAccessAndTls: SafetyRule = {
  name: 'bucket-public-access-and-tls',
  description: 'A bucket does not block all public access (PublicAccessBlockConfiguration with the four settings true), '
    + 'or has no bucket policy that denies requests without TLS (aws:SecureTransport false)',
  fix: 'Give the bucket blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL and enforceSSL: true',
  check: template => {
    const policies = Object.values(template.resources).filter(r => r.Type === 'AWS::S3::BucketPolicy');
    const findings: Finding[] = [];
    for (const [logicalId, resource] of Object.entries(template.resources)) {
      if (resource.Type !== 'AWS::S3::Bucket') continue;
      const block = resource.Properties?.PublicAccessBlockConfiguration;
      const locations = block === undefined
        ? ['Properties/PublicAccessBlockConfiguration']
        : BLOCKS.filter(setting => !isTrue(block[setting])).map(setting => `Properties/PublicAccessBlockConfiguration/${setting}`);
      const tls = policies.some(p => policyIsFor(p, logicalId, resource)
        && asArray<any>(p.Properties?.PolicyDocument?.Statement).some(deniesPlainHttp));
      if (!tls) locations.push('BucketPolicy');
      if (locations.length > 0) findings.push({ logicalId, locations });
    }
    return findings;
  },
};
