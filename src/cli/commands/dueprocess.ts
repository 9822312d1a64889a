// `mosaic objection …` and `mosaic repair …`: the due-process workflows on the command line, on the same statement log
// the server keeps (server state beside a DuckDB or PostgreSQL ledger; a JSON-lines file beside a memory ledger).
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { MosaicError } from '../../core/errors.js';
import { describeRule } from '../../dueprocess/deadlines.js';
import { FileEvidenceStore, type EvidenceStore } from '../../dueprocess/evidence.js';
import { FileLog, type DueProcessLog } from '../../dueprocess/log.js';
import { shippedDueProcessPolicy } from '../../dueprocess/policy.js';
import type { TargetType } from '../../dueprocess/schema.js';
import { DueProcessService, type CorrectionSpec } from '../../dueprocess/service.js';
import type { EvidenceRef } from '../../dueprocess/statements.js';
import { out, withLedger, type GlobalOptions } from '../../ingest/session.js';
import type { Ledger } from '../../ledger/ledger.js';
import { today } from './list.js';

const TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.txt': 'text/plain',
};

async function withService<T>(
  cmd: Command,
  fn: (svc: DueProcessService, evidence: EvidenceStore) => Promise<T>,
): Promise<T> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return withLedger(cmd, async (ledger: Ledger) => {
    const policy = shippedDueProcessPolicy();
    const dataDir = g.dataDir ?? './data';
    const evidence = new FileEvidenceStore(join(dataDir, 'evidence'), policy.objections.evidence);
    let log: DueProcessLog;
    let close = async () => {};
    if (ledger.adapter === 'memory') log = new FileLog(join(dataDir, 'dueprocess.jsonl'));
    else {
      // The server's own tables, so the CLI and `mosaic serve` run one workflow.
      const { openState } = await import('../../server/state/open-state.js');
      const { StateDueProcessLog } = await import('../../server/dueprocess-store.js');
      const state = await openState(ledger, { pgUrl: g.pgUrl });
      log = new StateDueProcessLog(state);
      close = () => state.close();
    }
    try {
      return await fn(await DueProcessService.open(ledger, log, { policy, evidence }), evidence);
    } finally {
      await log.close();
      await close();
    }
  });
}

const json = (v: unknown) => out(JSON.stringify(v, null, 2));
const collect = (v: string, prev: string[] = []) => [...prev, v];

async function upload(evidence: EvidenceStore, files: string[] = []): Promise<EvidenceRef[]> {
  const refs: EvidenceRef[] = [];
  for (const f of files) {
    const type = TYPES[extname(f).toLowerCase()];
    if (!type)
      throw new MosaicError({
        code: 'evidence.type_not_allowed',
        message: `${f}: unknown file type (accepted: ${Object.keys(TYPES).join(', ')})`,
        location: { file: f },
      });
    refs.push(await evidence.put(new Uint8Array(readFileSync(f)), basename(f), type));
  }
  return refs;
}

function facts(list: string[] = []): Record<string, boolean> {
  const outp: Record<string, boolean> = {};
  for (const f of list) {
    const [k, v] = f.split('=');
    if (!k || (v !== undefined && v !== 'true' && v !== 'false'))
      throw new MosaicError({
        code: 'cli.bad_fact',
        message: `--fact ${f}: expected NAME or NAME=true|false`,
      });
    outp[k] = v === undefined || v === 'true';
  }
  return outp;
}

function corrections(withdraw: string[] = [], correct: string[] = []): CorrectionSpec[] {
  const outp: CorrectionSpec[] = withdraw.map((record) => ({ record, action: 'withdraw' }));
  for (const c of correct) {
    const m = /^([^:]+):(kind|occurredAt|amount|severity|basis)=(.+)$/.exec(c);
    if (!m)
      throw new MosaicError({
        code: 'cli.bad_correction',
        message: `--correct ${c}: expected RECORD:FIELD=VALUE (FIELD one of kind, occurredAt, amount, severity, basis)`,
      });
    const [, record, field, value] = m;
    outp.push({
      record: record!,
      action: 'correct',
      set: { [field!]: field === 'amount' ? Number(value) : value },
    });
  }
  return outp;
}

export function registerDueProcessCommands(program: Command): void {
  const o = program
    .command('objection')
    .description('Objections: file, refer, decide, withdraw, show; overdue KPI; deadline rules');
  o.command('file')
    .description('File an objection to a record, list entry, publication or repair result')
    .requiredOption('--subject <id>', 'the data subject')
    .requiredOption('--target <type:ref>', 'record:ID, list_entry:ID, publication:ID or repair:ID')
    .requiredOption('--reasons <text>', 'why the data is wrong')
    .option('--evidence <file>', 'an evidence file (pdf, png, jpg, txt); repeatable', collect)
    .option('--agent <who>', 'filed by an agent on the subject’s behalf')
    .option('--day <date>', 'day of filing (default today)')
    .action(async (opts, cmd: Command) =>
      withService(cmd, async (svc, ev) => {
        const [type, ref] = String(opts.target).split(':');
        json(
          await svc.fileObjection({
            subject: opts.subject,
            ...(opts.agent ? { filer: opts.agent, agent: true } : {}),
            target: { type: type as TargetType, ref: ref ?? '' },
            reasons: opts.reasons,
            evidence: await upload(ev, opts.evidence),
            day: opts.day ?? today(),
          }),
        );
      }),
    );
  o.command('refer <id>')
    .description('Refer to other units (the extended limit, where the channel has one)')
    .requiredOption('--reason <text>')
    .option('--day <date>')
    .action(async (id: string, opts, cmd: Command) =>
      withService(cmd, async (svc) => json(await svc.referObjection(id, opts.day ?? today(), opts.reason))),
    );
  o.command('decide <id>')
    .description('Decide: upheld / partly_upheld (with --withdraw or --correct) or rejected with reasons')
    .requiredOption('--outcome <outcome>', 'upheld, partly_upheld or rejected')
    .requiredOption('--reasons <text>')
    .option('--withdraw <record>', 'withdraw this record by a superseding withdrawal; repeatable', collect)
    .option(
      '--correct <record:field=value>',
      'correct a field by a superseding correction; repeatable',
      collect,
    )
    .option('--day <date>')
    .action(async (id: string, opts, cmd: Command) =>
      withService(cmd, async (svc) =>
        json(
          await svc.decideObjection({
            objection: id,
            day: opts.day ?? today(),
            outcome: opts.outcome,
            reasons: opts.reasons,
            corrections: corrections(opts.withdraw, opts.correct),
          }),
        ),
      ),
    );
  o.command('withdraw <id>')
    .option('--day <date>')
    .action(async (id: string, opts, cmd: Command) =>
      withService(cmd, async (svc) => json(await svc.withdrawObjection(id, opts.day ?? today()))),
    );
  o.command('show <subject>')
    .description(
      "A subject's records with open objections flagged, publications, objections and repairs, as of a date",
    )
    .option('--as-of <date>')
    .action(async (subject: string, opts, cmd: Command) =>
      withService(cmd, async (svc) => json(await svc.report(subject, opts.asOf ?? today()))),
    );
  o.command('overdue')
    .description('Overdue objections and repair steps per body, with working days late')
    .option('--as-of <date>')
    .action(async (opts, cmd: Command) =>
      withService(cmd, async (svc) => json(await svc.overdue(opts.asOf ?? today()))),
    );
  o.command('rules')
    .description('Every objection deadline rule with its legal basis and source marker')
    .action(() => {
      const p = shippedDueProcessPolicy();
      for (const c of p.objections.channels) {
        out(
          `${c.code}: ${describeRule(c.deadline)}${c.extended ? `; ${describeRule(c.extended)} when ${c.extended.when}` : ''} [${c.marker}]`,
        );
        out(`  ${c.basis}`);
      }
    });

  const r = program
    .command('repair')
    .description('Publication periods and credit repair: publish, check, apply, forward, decide, countdown');
  r.command('publish')
    .requiredOption('--subject <id>')
    .requiredOption('--record <id>')
    .requiredOption('--family <family>', 'ndrc_penalty, samr_penalty, wendeng_repair or spc_defaulter')
    .requiredOption('--class <class>')
    .option('--decided <date>')
    .option('--restriction-months <n>')
    .option('--day <date>')
    .action(async (opts, cmd: Command) =>
      withService(cmd, async (svc) =>
        json(
          await svc.publish({
            subject: opts.subject,
            record: opts.record,
            family: opts.family,
            class: opts.class,
            day: opts.day ?? today(),
            ...(opts.decided ? { decided: opts.decided } : {}),
            ...(opts.restrictionMonths ? { restrictionMonths: Number(opts.restrictionMonths) } : {}),
          }),
        ),
      ),
    );
  r.command('corrected <publication>')
    .option('--evidence <file>', 'repeatable', collect)
    .option('--day <date>')
    .action(async (pub: string, opts, cmd: Command) =>
      withService(cmd, async (svc, ev) =>
        json(await svc.markCorrected(pub, opts.day ?? today(), await upload(ev, opts.evidence))),
      ),
    );
  for (const name of ['check', 'apply'] as const)
    r.command(`${name} <publication>`)
      .description(
        name === 'check'
          ? 'Check the conditions without filing'
          : 'Apply for repair; refused at intake with each unmet condition stated, or routed',
      )
      .option(
        '--fact <name[=true|false]>',
        'a declared condition, e.g. corrected, credit_commitment; repeatable',
        collect,
      )
      .option('--evidence <file>', 'repeatable', collect)
      .option('--day <date>')
      .action(async (pub: string, opts, cmd: Command) =>
        withService(cmd, async (svc, ev) => {
          const day = opts.day ?? today();
          if (name === 'check') json(svc.checkRepair(pub, day, facts(opts.fact)));
          else
            json(
              await svc.applyRepair({
                publication: pub,
                day,
                facts: facts(opts.fact),
                evidence: await upload(ev, opts.evidence),
              }),
            );
        }),
      );
  r.command('forward <repair>')
    .option('--day <date>')
    .action(async (id: string, opts, cmd: Command) =>
      withService(cmd, async (svc) => json(await svc.forwardRepair(id, opts.day ?? today()))),
    );
  r.command('decide <repair>')
    .requiredOption('--outcome <outcome>', 'granted or refused')
    .option('--reasons <text>', '', '')
    .option('--day <date>')
    .action(async (id: string, opts, cmd: Command) =>
      withService(cmd, async (svc) =>
        json(await svc.decideRepair(id, opts.day ?? today(), opts.outcome, opts.reasons)),
      ),
    );
  r.command('countdown <subject>')
    .description("When each of a subject's published items stops being shown, and the rule that says so")
    .option('--as-of <date>')
    .action(async (subject: string, opts, cmd: Command) =>
      withService(cmd, async (svc) => json(await svc.countdowns(subject, opts.asOf ?? today()))),
    );
}
