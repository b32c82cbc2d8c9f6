import pino from 'pino';
import { createKeptOutcomes } from '../../../src/notifications/kept-outcomes';

const databaseAway = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('createKeptOutcomes', () => {
  test('when the database is away, then the outcome is kept and written, once, when it returns', async () => {
    const outcomes = createKeptOutcomes(pino({ level: 'silent' }));
    const written: string[] = [];
    let away = true;
    const markSent = async () => {
      if (away) throw databaseAway();
      written.push('sent a, b');
    };

    await outcomes.write(['a', 'b'], markSent);
    expect(outcomes.count()).toBe(2);
    await expect(outcomes.writeKept()).rejects.toThrow('ECONNREFUSED');
    expect(outcomes.count()).toBe(2);

    away = false;
    await outcomes.writeKept();
    await outcomes.writeKept();
    expect(written).toEqual(['sent a, b']);
    expect(outcomes.count()).toBe(0);
  });

  test('when a write fails for another reason, then it is not kept but thrown', async () => {
    const outcomes = createKeptOutcomes(pino({ level: 'silent' }));
    await expect(outcomes.write(['a'], async () => Promise.reject(new Error('row is leased by another process')))).rejects.toThrow('leased');
    expect(outcomes.count()).toBe(0);
  });
});
