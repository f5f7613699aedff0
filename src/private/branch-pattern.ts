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

  public matches(branch: string): boolean {
    return this.regex.test(branch);
  }

  /** The branch a manual run of a lane starts from: the pattern up to its first wildcard. */
  public get literalPrefix(): string {
    return this.pattern.split(/[*?]/)[0].replace(/\/$/, '');
  }
}
