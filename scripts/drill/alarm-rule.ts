// A CloudWatch composite alarm rule, evaluated against alarm states: moto stores composite alarms but never evaluates them, so the drill does, from the rule text of the template.
// Grammar (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html):
// ALARM/OK/INSUFFICIENT_DATA("name or ARN"), TRUE, FALSE, NOT, AND, OR, parentheses; NOT binds
// tightest, then AND, then OR.

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: '(' | ')' };

function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < rule.length) {
    const char = rule[at]!;
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char });
      at += 1;
    } else if (char === '"' || char === "'") {
      const end = rule.indexOf(char, at + 1);
      if (end < 0) throw new Error(`alarm rule: unterminated string at ${at}: ${rule}`);
      tokens.push({ kind: 'string', text: rule.slice(at + 1, end) });
      at = end + 1;
    } else {
      const word = /^[A-Za-z_]+/.exec(rule.slice(at))?.[0];
      if (!word) throw new Error(`alarm rule: unexpected "${char}" at ${at}: ${rule}`);
      tokens.push({ kind: 'word', text: word });
      at += word.length;
    }
  }
  return tokens;
}

const FUNCTIONS: readonly string[] = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];

/**
 * Whether `rule` is true (the composite alarm is in ALARM) when each alarm it names is in the state
 * `stateOf` gives (by the name or ARN the rule uses). Throws on a rule it cannot parse.
 */
export function evaluateAlarmRule(rule: string, stateOf: (alarm: string) => AlarmStateValue): boolean {
  const tokens = tokenize(rule);
  let at = 0;
  const peekWord = () => {
    const token = tokens[at];
    return token?.kind === 'word' ? token.text.toUpperCase() : undefined;
  };
  const expect = (kind: Token['kind']) => {
    const token = tokens[at];
    if (token?.kind !== kind) throw new Error(`alarm rule: expected ${kind} at token ${at}: ${rule}`);
    at += 1;
    return token;
  };
  const or = (): boolean => {
    let value = and();
    while (peekWord() === 'OR') {
      at += 1;
      const right = and();
      value = value || right;
    }
    return value;
  };
  const and = (): boolean => {
    let value = not();
    while (peekWord() === 'AND') {
      at += 1;
      const right = not();
      value = value && right;
    }
    return value;
  };
  const not = (): boolean => {
    if (peekWord() === 'NOT') {
      at += 1;
      return !not();
    }
    return primary();
  };
  const primary = (): boolean => {
    const word = peekWord();
    if (word === 'TRUE' || word === 'FALSE') {
      at += 1;
      return word === 'TRUE';
    }
    if (word && FUNCTIONS.includes(word)) {
      at += 1;
      expect('(');
      const alarm = expect('string') as { text: string };
      expect(')');
      return stateOf(alarm.text) === word;
    }
    expect('(');
    const value = or();
    expect(')');
    return value;
  };
  const value = or();
  if (at !== tokens.length) throw new Error(`alarm rule: unexpected tokens after position ${at}: ${rule}`);
  return value;
}

/** The names and ARNs of the alarms `rule` refers to. */
export function alarmsOfRule(rule: string): string[] {
  return [...new Set(tokenize(rule).flatMap((token) => (token.kind === 'string' ? [token.text] : [])))];
}
