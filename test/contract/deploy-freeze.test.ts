// The freeze switch's value and the deploy verdict: anything but a well-formed off in every region that answers refuses a deploy.
import { FREEZE_INITIAL, parseFreezeState } from '../../lib/contract/deploy-freeze';
import { deployVerdict, type SwitchReading } from '../../scripts/dr/freeze';

const on = { state: 'on', reason: 'INC-1', by: 'alice', at: '2026-11-28T17:00:00.000Z' } as const;

test('the initial value parses as off', () => {
  expect(parseFreezeState(JSON.stringify(FREEZE_INITIAL))).toEqual(FREEZE_INITIAL);
});

test.each([
  ['not JSON', 'on', "not JSON: 'on'"],
  ['a bare string', '"off"', 'not a freeze state'],
  ['an unknown state', JSON.stringify({ ...on, state: 'paused' }), 'not a freeze state'],
  ['no reason', JSON.stringify({ state: 'off', by: 'x', at: 'y' }), 'not a freeze state'],
  ['null', 'null', 'not a freeze state'],
])('fails when the switch holds %s: a problem, never off', (_case, text, problem) => {
  const parsed = parseFreezeState(text);
  expect(parsed).toEqual({ problem: expect.stringContaining(problem) as unknown });
});

const reading = (
  region: string,
  status: SwitchReading['status'],
  extra: Partial<SwitchReading> = {},
): SwitchReading => ({
  region,
  status,
  ...extra,
});

test.each<[string, SwitchReading[], boolean, string]>([
  [
    'both off',
    [reading('us-east-1', 'off', { state: FREEZE_INITIAL }), reading('us-west-2', 'off', { state: FREEZE_INITIAL })],
    true,
    'OFF',
  ],
  [
    'no switch deployed yet',
    [reading('us-east-1', 'missing'), reading('us-west-2', 'missing')],
    true,
    'no freeze switch',
  ],
  [
    'one region on',
    [
      reading('us-east-1', 'off', { state: FREEZE_INITIAL }),
      reading('us-west-2', 'on', { state: on, lastModifiedUser: 'arn:aws:iam::1:user/alice' }),
    ],
    false,
    'us-west-2: ON since 2026-11-28T17:00:00.000Z, set by alice; SSM last modified by arn:aws:iam::1:user/alice: INC-1',
  ],
  [
    'one region unreadable',
    [
      reading('us-east-1', 'off', { state: FREEZE_INITIAL }),
      reading('us-west-2', 'unreadable', { problem: 'timeout' }),
    ],
    false,
    'could not be read, so the deploy is refused: us-west-2: UNREADABLE: timeout',
  ],
])('%s: allowed %s', (_case, readings, allowed, why) => {
  const verdict = deployVerdict(readings);
  expect(verdict.allowed).toBe(allowed);
  expect(verdict.why).toContain(why);
});
