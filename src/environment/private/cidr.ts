/**
 * IPv4 CIDR blocks, parsed so that environments can be checked against each other before anything
 * is deployed. (aws-cdk-lib parses CIDRs only inside `ec2.IpAddresses`, and does not expose it.)
 */
export class Cidr {
  /** Parses `a.b.c.d/n`, or returns why it is not one. */
  public static parse(text: string): Cidr | string {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (!match) return 'expected an IPv4 CIDR block such as 10.0.0.0/16';
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some(o => o > 255) || prefix > 32) return 'expected an IPv4 CIDR block such as 10.0.0.0/16';
    const address = octets.reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    if (address % size !== 0) {
      const network = new Cidr(address - (address % size), prefix);
      return `has bits set after the /${prefix} prefix; did you mean ${network}?`;
    }
    return new Cidr(address, prefix);
  }

  private constructor(private readonly first: number, public readonly prefix: number) {}

  private get last(): number {
    return this.first + 2 ** (32 - this.prefix) - 1;
  }

  public overlaps(other: Cidr): boolean {
    return this.first <= other.last && other.first <= this.last;
  }

  public toString(): string {
    const octets = [24, 16, 8, 0].map(shift => Math.floor(this.first / 2 ** shift) % 256);
    return `${octets.join('.')}/${this.prefix}`;
  }
}
