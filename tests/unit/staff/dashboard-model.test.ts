import { formatDuration, formatShare, withShare } from '../../../src/staff/dashboard/dashboard-model';

describe('dashboard figures for people', () => {
  test.each([
    [null, '—'],
    [0, '0 s'],
    [42.4, '42 s'],
    [60, '1 min'],
    [425, '7 min 05 s'],
    [599, '9 min 59 s'],
    [750, '13 min'],
    [3599, '1 h'],
    [7800, '2 h 10 min'],
    [90_000, '25 h'],
  ])('when a duration is %p seconds, then it reads "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test('when no lead’s outcome is known, then the within-target share is null (shown as a dash), not 0 % or NaN', () => {
    const none = withShare({ leads: 2, assigned: 2, responded: 0, medianSeconds: null, p90Seconds: null, withinTarget: 0, judged: 0, overdueNow: 0, unassignedNow: 0 });
    expect(none.withinTargetShare).toBeNull();
    expect(formatShare(none.withinTargetShare)).toBe('—');
    expect(formatShare(withShare({ ...none, withinTarget: 2, judged: 3 }).withinTargetShare)).toBe('67 %');
  });
});
