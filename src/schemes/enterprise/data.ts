// Firms as the tax authority and the market regulator see them: register entries, tax years, dated events and
// re-evaluation requests, read from JSONL with each line checked.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isIsoDate } from '../../core/dates.js';
import { MosaicError, type Issue } from '../../core/errors.js';
import { validateUscc } from '../../core/identifiers.js';

const IsoDate = z.string().refine(isIsoDate, 'a YYYY-MM-DD date');

export const FIRM_EVENT_KINDS = [
  // tax authority
  'late_filing',
  'late_payment',
  'invoice_irregularity',
  'tax_arrears',
  'evasion_penalty',
  'false_declaration_for_preference',
  'export_refund_fraud',
  'abnormal_household',
  // market regulator
  'annual_report_late',
  'annual_report_missing',
  'permit_revoked',
  'penalty',
  'abnormal_listed',
  'abnormal_removed',
  'serious_listed',
  'serious_removed',
] as const;

const Firm = z
  .object({ type: z.literal('firm'), id: z.string(), name: z.string().min(1), established: IsoDate })
  .strict();
const TaxYear = z
  .object({
    type: z.literal('tax_year'),
    firm: z.string(),
    year: z.number().int().min(1900).max(2100),
    operating_income: z.number().min(0),
    books_ok: z.boolean(),
    zero_vat_consecutive: z.number().int().min(0).max(12),
    zero_vat_total: z.number().int().min(0).max(12),
  })
  .strict();
const Event = z
  .object({ type: z.literal('event'), firm: z.string(), date: IsoDate, kind: z.enum(FIRM_EVENT_KINDS) })
  .strict();
const ReEval = z
  .object({
    type: z.literal('re_evaluation'),
    firm: z.string(),
    year: z.number().int(),
    filed: IsoDate,
    decided: IsoDate,
    /** Events the tax authority found wrongly recorded on review. */
    struck: z.array(z.object({ date: IsoDate, kind: z.enum(FIRM_EVENT_KINDS) }).strict()),
  })
  .strict();
const Line = z.discriminatedUnion('type', [Firm, TaxYear, Event, ReEval]);

export type FirmLine = z.infer<typeof Line>;
export type FirmEvent = z.infer<typeof Event>;
export type TaxYearFacts = z.infer<typeof TaxYear>;
export type ReEvaluation = z.infer<typeof ReEval>;

export interface FirmData {
  firms: z.infer<typeof Firm>[];
  byId: Map<string, z.infer<typeof Firm>>;
  taxYears: Map<string, TaxYearFacts>;
  events: Map<string, FirmEvent[]>;
  reEvaluations: ReEvaluation[];
}

export const taxKey = (firm: string, year: number): string => `${firm}|${year}`;

export function parseFirmData(text: string, file = '<firms>'): FirmData {
  const d: FirmData = {
    firms: [],
    byId: new Map(),
    taxYears: new Map(),
    events: new Map(),
    reEvaluations: [],
  };
  const issues: Issue[] = [];
  text.split('\n').forEach((t, i) => {
    if (!t.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      issues.push({ code: 'firm.json', message: (e as Error).message, location: { file, line: i + 1 } });
      return;
    }
    const r = Line.safeParse(v);
    if (!r.success) {
      for (const zi of r.error.issues)
        issues.push({
          code: 'firm.invalid_line',
          message: zi.message,
          location: {
            file,
            line: i + 1,
            path: zi.path.filter((k): k is string | number => typeof k !== 'symbol'),
          },
        });
      return;
    }
    const l = r.data;
    const id = l.type === 'firm' ? l.id : l.firm;
    if (!validateUscc(id).ok) {
      issues.push({
        code: 'firm.bad_uscc',
        message: `${id} is not a valid Unified Social Credit Code`,
        location: { file, line: i + 1 },
      });
      return;
    }
    if (l.type === 'firm') {
      d.firms.push(l);
      d.byId.set(l.id, l);
    } else if (l.type === 'tax_year') d.taxYears.set(taxKey(l.firm, l.year), l);
    else if (l.type === 'event') {
      const list = d.events.get(l.firm) ?? [];
      list.push(l);
      d.events.set(l.firm, list);
    } else d.reEvaluations.push(l);
  });
  if (issues.length) throw new MosaicError(issues);
  for (const l of d.events.values()) l.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return d;
}

export function readFirmData(file: string): FirmData {
  return parseFirmData(readFileSync(file, 'utf8'), file);
}
