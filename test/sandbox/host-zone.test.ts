/**
 * Time zone and locale inside the sandbox do not depend on the host: the same workflow code prints
 * the same text in processes started with different TZ and LANG.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const probe = (env: Record<string, string>): unknown =>
  JSON.parse(
    execFileSync(
      process.execPath,
      ['--no-node-snapshot', new URL('./zone-probe.ts', import.meta.url).pathname],
      {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      },
    ),
  );

describe('host time zone and locale', () => {
  it('do not change what workflow code sees', () => {
    const utc = probe({ TZ: 'UTC', LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' });
    const elsewhere = probe({ TZ: 'Asia/Kolkata', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' });
    const dst = probe({ TZ: 'America/New_York', LANG: 'ja_JP.UTF-8', LC_ALL: 'ja_JP.UTF-8' });
    expect(elsewhere).toEqual(utc);
    expect(dst).toEqual(utc);
    expect(utc).toMatchObject({
      result: {
        text: 'Sat Jul 04 2026 23:30:00 GMT+0000 (Coordinated Universal Time)',
        local: '7/4/2026, 11:30:00 PM',
        parts: [23, 4, 0],
        parsed: Date.UTC(2026, 6, 4, 23, 30),
        legacy: Date.UTC(2026, 6, 4, 23, 30),
        number: '1,234.5',
        resolved: { locale: 'en-US', timeZone: 'UTC' },
      },
    });
  });
});
