/** The props a caller gave, without those left undefined (which mean "keep the default"). */
export function definedOnly<T extends object>(props: T): Partial<T> {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as Partial<T>;
}
