import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wargame-serve-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wargame serve and join: bad arguments', () => {
  it('says what is missing or wrong, exit 1, no stack trace', () => {
    const cases: [string[], RegExp][] = [
      [['serve'], /give a scenario: wargame serve <scenario> --teams/],
      [['serve', 'sochi-2021'], /--teams is required: the parties played by teams, e.g. --teams armenia,azerbaijan,eu/],
      [['serve', 'sochi-2021', '--teams', 'armenia,mars'], /--teams/],
      [['serve', '--resume'], /--resume needs the session database/],
      [['serve', '--resume', '--db', join(dir, 'none.db')], /no such session database/],
      [['serve', '--db', join(dir, 'none.db'), '--export', join(dir, 'x.json')], /no such session database/],
      [['join', 'not a url', '--code', 'X'], /is not a URL/],
      [['join', 'http://127.0.0.1:9/'], /give the code/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args, { env: { WARGAME_CODE: '' } });
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 1]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
  });

  it('refuses a database that is not a session database, and one that exists when starting anew', () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not sqlite at all, just text');
    const r = runCli(['serve', '--resume', '--db', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/junk\.db/);
    const again = runCli(['serve', 'sochi-2021', '--teams', 'armenia', '--db', junk]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists: resume that session with wargame serve --resume --db/);
  });
});
