import * as path from 'path';
import { FEATURE_FLAGS } from '../../examples/feature-flags';

// The aws-cdk-lib these examples are tested against (the pin), loaded by its path: under
// `npx projen test:newest-cdk` the name aws-cdk-lib means the newest, which recommends more flags.
const PINNED = path.join(__dirname, '..', '..', 'node_modules', 'aws-cdk-lib', 'cx-api');

test('examples/cdk.json sets exactly the flags `cdk init` writes with the pinned aws-cdk-lib, to their recommended values', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cxapi = require(PINNED);
  expect(FEATURE_FLAGS).toEqual({ ...cxapi.NEW_PROJECT_DEFAULT_CONTEXT, ...cxapi.CURRENTLY_RECOMMENDED_FLAGS });
});
