/**
 * `canonicalJson(JSON.parse(text))` in one pass over the text, without building the value: the
 * hot path of the integrity check, which reads data and metadata as text from the database.
 *
 * It is a complete JSON reader, so it does not depend on how the database formats JSON (key
 * order, spacing, escapes, number notation): strings with escapes or lone surrogates and every
 * number that is not a plain short integer go through JSON.parse and JSON.stringify, exactly as
 * canonicalJson would see them. test/eventStore/canonicalJsonText.unit.test.ts holds it to that.
 */
export function canonicalJsonText(text: string): string {
  const reader = new Reader(text);
  const result = reader.value();
  reader.end();
  return result;
}

// Character codes the reader compares against.
const tab = 0x09;
const lineFeed = 0x0a;
const carriageReturn = 0x0d;
const space = 0x20;
const quote = 0x22;
const plus = 0x2b;
const comma = 0x2c;
const minus = 0x2d;
const dot = 0x2e;
const zero = 0x30;
const nine = 0x39;
const colon = 0x3a;
const upperE = 0x45;
const openBracket = 0x5b;
const backslash = 0x5c;
const closeBracket = 0x5d;
const lowerE = 0x65;
const lowerF = 0x66;
const lowerN = 0x6e;
const lowerT = 0x74;
const openBrace = 0x7b;
const closeBrace = 0x7d;

/** Digits beyond this may not survive a round trip through a double. */
const maxPlainDigits = 15;

class Reader {
  private at = 0;
  /** The decoded text of the last key read: objects are sorted on it. */
  private key = '';

  constructor(private readonly text: string) {}

  value(): string {
    this.skipSpace();
    const c = this.text.charCodeAt(this.at);
    if (c === openBrace) return this.object();
    if (c === openBracket) return this.array();
    if (c === quote) return this.string();
    if (c === minus || (c >= zero && c <= nine)) return this.number();
    const word = c === lowerT ? 'true' : c === lowerF ? 'false' : c === lowerN ? 'null' : '';
    if (!word || !this.text.startsWith(word, this.at)) throw this.error();
    this.at += word.length;
    return word;
  }

  end(): void {
    this.skipSpace();
    if (this.at !== this.text.length) throw this.error();
  }

  private object(): string {
    this.at++;
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === closeBrace) {
      this.at++;
      return '{}';
    }
    const keys: string[] = [];
    const members: string[] = [];
    let sorted = true;
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.at) !== quote) throw this.error();
      const name = this.string();
      const key = this.key;
      this.skipSpace();
      if (this.text.charCodeAt(this.at) !== colon) throw this.error();
      this.at++;
      if (sorted && keys.length > 0 && !(keys[keys.length - 1]! < key)) sorted = false;
      keys.push(key);
      members.push(name + ':' + this.value());
      this.skipSpace();
      const c = this.text.charCodeAt(this.at++);
      if (c === closeBrace) break;
      if (c !== comma) throw this.error(-1);
    }
    if (!sorted) sortMembers(keys, members);
    return '{' + members.join(',') + '}';
  }

  private array(): string {
    this.at++;
    this.skipSpace();
    if (this.text.charCodeAt(this.at) === closeBracket) {
      this.at++;
      return '[]';
    }
    let out = '[';
    for (;;) {
      out += this.value();
      this.skipSpace();
      const c = this.text.charCodeAt(this.at++);
      if (c === closeBracket) return `${out}]`;
      if (c !== comma) throw this.error(-1);
      out += ',';
    }
  }

  /** The string as JSON.stringify writes it; its decoded text is left in `key`. */
  private string(): string {
    const start = this.at;
    let plain = true;
    let at = start + 1;
    for (;;) {
      const c = this.text.charCodeAt(at);
      if (c === quote) break;
      if (c === backslash) {
        plain = false;
        at += 2;
        continue;
      }
      if (c < space || Number.isNaN(c)) throw this.error(at - this.at);
      // A lone surrogate is escaped by JSON.stringify; a pair is not, but it is rare enough.
      if (c >= 0xd800 && c <= 0xdfff) plain = false;
      at++;
    }
    this.at = at + 1;
    const literal = this.text.slice(start, this.at);
    if (plain) {
      this.key = literal.slice(1, -1);
      return literal;
    }
    this.key = JSON.parse(literal) as string;
    return JSON.stringify(this.key);
  }

  private number(): string {
    const start = this.at;
    let at = start;
    if (this.text.charCodeAt(at) === minus) at++;
    const digitsFrom = at;
    while (isDigit(this.text.charCodeAt(at))) at++;
    const digits = at - digitsFrom;
    let plain = digits > 0 && digits <= maxPlainDigits;
    if (this.text.charCodeAt(digitsFrom) === zero && (digits > 1 || at - start > 1)) {
      plain = false; // "-0" is written 0; a leading zero is an error JSON.parse reports
    }
    for (;;) {
      const c = this.text.charCodeAt(at);
      if (isDigit(c) || c === dot || c === lowerE || c === upperE) plain = false;
      else if (!(c === plus || c === minus)) break;
      at++;
    }
    this.at = at;
    const literal = this.text.slice(start, at);
    return plain ? literal : JSON.stringify(JSON.parse(literal));
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.at);
      if (c !== space && c !== lineFeed && c !== carriageReturn && c !== tab) {
        return;
      }
      this.at++;
    }
  }

  private error(offset = 0): SyntaxError {
    return new SyntaxError(`canonicalJsonText: invalid JSON at ${this.at + offset}`);
  }
}

const isDigit = (c: number): boolean => c >= zero && c <= nine;

/**
 * Sorts the members on their keys in canonicalJson's order (UTF-16 code units), in place: an
 * insertion sort, since objects are small and often nearly sorted. A key met twice keeps its last
 * value, as JSON.parse does (the sort is stable, so the last one comes last).
 */
function sortMembers(keys: string[], members: string[]): void {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    const member = members[i]!;
    let j = i;
    while (j > 0 && keys[j - 1]! > key) {
      keys[j] = keys[j - 1]!;
      members[j] = members[j - 1]!;
      j--;
    }
    keys[j] = key;
    members[j] = member;
  }
  for (let i = keys.length - 1; i > 0; i--) {
    if (keys[i] === keys[i - 1]) {
      keys.splice(i - 1, 1);
      members.splice(i - 1, 1);
    }
  }
}
