/** Markers for what an intrinsic function stands for, once a value is rendered to a string. */
const OWN_ACCOUNT = '<own-account>';
const SAME_APP = '<same-app>';
const UNKNOWN = '<unknown>';

/** Pseudo parameters and what they render as: only the account matters here. */
const PSEUDO: Record<string, string> = {
  'AWS::AccountId': OWN_ACCOUNT,
  'AWS::Partition': 'aws',
};

/**
 * A principal value rendered to a string, its intrinsic functions replaced by what they tell of
 * the account: `AWS::AccountId` is the stack's own account; `Fn::GetAtt` of a resource of the
 * same template and `Fn::ImportValue` (an export of a stack in the same account and region) are
 * within the app; anything else (a parameter, a condition) is unknown.
 */
function render(value: unknown, logicalIds: ReadonlySet<string>): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return UNKNOWN;
  const fn = value as Record<string, any>;
  if (typeof fn.Ref === 'string') return PSEUDO[fn.Ref] ?? (logicalIds.has(fn.Ref) ? SAME_APP : UNKNOWN);
  if (Array.isArray(fn['Fn::Join']) && Array.isArray(fn['Fn::Join'][1])) {
    return fn['Fn::Join'][1].map((part: unknown) => render(part, logicalIds)).join(String(fn['Fn::Join'][0]));
  }
  if (fn['Fn::Sub'] !== undefined) {
    const [text, variables] = Array.isArray(fn['Fn::Sub']) ? fn['Fn::Sub'] : [fn['Fn::Sub'], {}];
    if (typeof text !== 'string') return UNKNOWN;
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) =>
      variables?.[name] !== undefined ? render(variables[name], logicalIds) : PSEUDO[name] ?? (logicalIds.has(name.split('.')[0]) ? SAME_APP : UNKNOWN));
  }
  if (Array.isArray(fn['Fn::GetAtt'])) return logicalIds.has(fn['Fn::GetAtt'][0]) ? SAME_APP : UNKNOWN;
  if (fn['Fn::ImportValue'] !== undefined) return SAME_APP;
  return UNKNOWN;
}

/** Which account an AWS principal belongs to. */
export type PrincipalAccount =
  | { readonly kind: 'account'; readonly account: string }
  | { readonly kind: 'own' }
  | { readonly kind: 'anyone' }
  | { readonly kind: 'unknown'; readonly rendered: string };

/**
 * The account of an `AWS` principal: an account id, or an IAM or STS ARN
 * (`arn:<partition>:iam::<account>:root`, `...:role/<name>`, `arn:...:sts::<account>:assumed-role/...`),
 * literal or built with `Fn::Join` / `Fn::Sub`.
 */
export function accountOfPrincipal(value: unknown, logicalIds: ReadonlySet<string>): PrincipalAccount {
  const rendered = render(value, logicalIds);
  if (rendered === '*') return { kind: 'anyone' };
  if (rendered === SAME_APP) return { kind: 'own' };
  const account = /^\d{12}$/.test(rendered) ? rendered : rendered.match(/^arn:[^:]+:(?:iam|sts)::([^:]+):/)?.[1];
  if (account === OWN_ACCOUNT) return { kind: 'own' };
  if (account !== undefined && /^\d{12}$/.test(account)) return { kind: 'account', account };
  return { kind: 'unknown', rendered };
}
