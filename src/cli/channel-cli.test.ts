// `mosaic channel` through the real command tree: a county body is refused by the rule that refused it (exit 3), a
// prefecture office gets thresholded aggregates, the log file carries the budget from one run to the next.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { runCli } from './run-cli.testkit.js';

const req = (f: string) => shipped('scenarios', 'sample', 'coproduction', f);

describe('mosaic channel', () => {
  it('refuses a county body with the rule that refused it', async () => {
    const r = await runCli('channel', 'request', req('request-county.yaml'));
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('REFUSED by rule authority.min_rank');
    expect(r.stdout).toContain('NO   authority.min_rank');
  });

  it('grants the prefecture office, then refuses once the log shows the budget spent', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'channel-cli-')), 'log.jsonl');
    const a = await runCli('channel', 'request', req('request-prefecture.yaml'), '--log', log, '--json');
    expect(a.code).toBe(0);
    const d = JSON.parse(a.stdout) as { outcome: string; rho: number; release: { cells: unknown[] } };
    expect(d.outcome).toBe('granted');
    expect(d.rho).toBe(1);
    expect(d.release.cells.length).toBe(3);
    // The same file again is the same request id: the logged decision, no new charge.
    const again = await runCli('channel', 'request', req('request-prefecture.yaml'), '--log', log, '--json');
    expect(JSON.parse(again.stdout)).toEqual(d);
    const b = await runCli('channel', 'budget', '--log', log);
    expect(b.stdout).toContain('passenger_bad_debts urban_credit_monitoring 2025: 1 of 2 left');
  });

  it('gives incidents without the customer', async () => {
    const r = await runCli(
      'channel',
      'request',
      '--firm',
      'food-delivery',
      req('request-incidents.yaml'),
      '--json',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/customer|138\d{8}/);
    expect(r.stdout).toContain('"merchant_uscc"');
  });

  it('reports an unknown firm and a bad request with codes', async () => {
    const r = await runCli('channel', 'request', '--firm', 'nobody', req('request-county.yaml'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('channel.unknown_firm');
    const bad = await runCli(
      'channel',
      'request',
      shipped('policies', 'coproduction', 'channels', 'ride-hailing.yaml'),
    );
    expect(bad.stderr).toContain('channel_request.unknown_field');
  });
});
