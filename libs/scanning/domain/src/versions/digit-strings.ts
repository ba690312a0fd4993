/**
 * Orders two runs of decimal digits by value, whatever their length: without leading zeros
 * they order by length first, so values past 2^53 stay exact. An empty run counts as zero, as
 * dpkg and apk read a missing number.
 */
export function compareDigitStrings(a: string, b: string): -1 | 0 | 1 {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}
