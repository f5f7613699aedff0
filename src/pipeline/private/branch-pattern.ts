/**
 * Git branch patterns as CodePipeline V2 push filters read them (glob: `*` matches within a path
 * segment, `**` across segments, `?` one character), so the library can tell at synth time whether
 * two lanes would be triggered by the same branch.
 */
export class BranchPattern {
  private readonly regex: RegExp;

  constructor(public readonly pattern: string) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*/g, '\u0000')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')
      .replace(/\u0000/g, '.*');
    this.regex = new RegExp(`^${source}$`);
  }

  /** The pattern as an extended regular expression (for `[[ =~ ]]` in bash as well as JavaScript). */
  public get regexSource(): string {
    return this.regex.source;
  }

  /** Whether some branch matches both patterns, as far as one sample branch of each tells. */
  public overlaps(other: BranchPattern): boolean {
    return this.matches(other.sample) || other.matches(this.sample);
  }

  /** A branch this pattern matches: every wildcard stands for `x`. */
  private get sample(): string {
    return this.pattern.replace(/\*\*|\*|\?/g, 'x');
  }

  public matches(branch: string): boolean {
    return this.regex.test(branch);
  }

  /** The branch a manual run of a lane starts from: the pattern up to its first wildcard. */
  public get literalPrefix(): string {
    return this.pattern.split(/[*?]/)[0].replace(/\/$/, '');
  }
}
