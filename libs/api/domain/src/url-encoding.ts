// Go's net/url escaping, so the links Berth forms are byte-for-byte the ones Harbor forms.

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
// Go leaves these reserved characters alone in a path (it only escapes '?').
const PATH_SAFE = /[$&+,/:;=@]/;

function escapeWith(s: string, keep: (ch: string) => boolean, spaceAsPlus: boolean): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (byte < 0x80 && keep(ch)) out += ch;
    else if (spaceAsPlus && ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go's url.QueryEscape: everything but unreserved characters is escaped, space becomes '+'. */
export function goQueryEscape(s: string): string {
  return escapeWith(s, (ch) => UNRESERVED.test(ch), true);
}

/** Go's escaping of a URL path (url.URL.EscapedPath without a raw path). */
export function goPathEscape(s: string): string {
  return escapeWith(s, (ch) => UNRESERVED.test(ch) || PATH_SAFE.test(ch), false);
}

/** Go's url.QueryUnescape: '+' is a space, `%XX` a byte; undefined when malformed. */
export function goQueryUnescape(s: string): string | undefined {
  return percentDecode(s.replace(/\+/g, ' '));
}

/** Go's url.PathUnescape: `%XX` is a byte, '+' stays; undefined when malformed. */
export function goPathUnescape(s: string): string | undefined {
  return percentDecode(s);
}

function percentDecode(s: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(s[i], 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
