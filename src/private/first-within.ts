import { Token } from 'aws-cdk-lib';

/**
 * The first of some texts, most telling first, that keeps within `limit` characters (a token in it
 * counted as nothing: the caller keeps room for what it resolves to); else the last, the shortest.
 * What names the environments of a wave in a limited field (an approval's comment, a project's
 * description) names them while that fits, and counts them when it would not.
 */
export function firstWithin(candidates: string[], limit: number): string {
  const lengthOf = (text: string) => (Token.isUnresolved(text) ? text.replace(/\$\{Token\[[^\]]*\]\}/g, '') : text).length;
  return candidates.find(text => lengthOf(text) <= limit) ?? candidates[candidates.length - 1];
}
