import * as s3 from 'aws-cdk-lib/aws-s3';
import { safetyViolations, stackIn } from '../support/safety';

const bucket = (props: s3.BucketProps) => (app: any) => { new s3.Bucket(stackIn(app, 'App'), 'Bucket', props); };

describe('bucket-public-access-and-tls', () => {
  test('GIVEN a bucket that blocks public access but takes plain HTTP WHEN synthesized THEN it violates, for its bucket policy', () => {
    const found = safetyViolations(bucket({ blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL }));
    expect(found).toEqual([{
      rule: 'bucket-public-access-and-tls', path: 'App/Bucket/Resource', logicalId: 'Bucket83908E77', template: 'App.template.json', locations: ['BucketPolicy'],
    }]);
  });

  test('GIVEN a bucket that enforces TLS but blocks public ACLs only WHEN synthesized THEN it violates, at the two settings off', () => {
    const found = safetyViolations(bucket({ blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY, enforceSSL: true }));
    expect(found.map(f => [f.rule, f.logicalId, f.locations])).toEqual([['bucket-public-access-and-tls', 'Bucket83908E77', [
      'Properties/PublicAccessBlockConfiguration/BlockPublicPolicy', 'Properties/PublicAccessBlockConfiguration/RestrictPublicBuckets',
    ]]]);
  });

  test('GIVEN a bucket with aws-cdk-lib\'s defaults WHEN synthesized THEN it violates on both counts', () => {
    const found = safetyViolations(bucket({}));
    expect(found.map(f => f.locations)).toEqual([['Properties/PublicAccessBlockConfiguration', 'BucketPolicy']]);
  });

  test('GIVEN a bucket that blocks all public access and enforces TLS WHEN synthesized THEN nothing violates', () => {
    expect(safetyViolations(bucket({ blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true }))).toEqual([]);
  });
});
