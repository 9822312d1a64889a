// Reads and checks register entries (Subject) from JSONL: shape, identifiers, and agreement with the ID number.
import { z } from 'zod';
import { MosaicError, type Issue } from '../core/errors.js';
import { parseResidentId, validateSubjectId } from '../core/identifiers.js';
import { isIsoDate } from '../core/dates.js';
import { ROLES, type Subject } from '../core/types.js';
import { readRows } from './source.js';

const Id = z.string().min(1);
const SubjectSchema = z
  .object({
    id: Id,
    type: z.enum(['natural', 'legal']),
    name: z.string().optional(),
    jurisdiction: z.string().regex(/^\d{6}$/, 'a 6-digit GB/T 2260 division code'),
    hukou: z.enum(['urban', 'rural']).optional(),
    roles: z.array(z.enum(ROLES as [string, ...string[]])),
    birthDate: z.string().refine(isIsoDate, 'YYYY-MM-DD').optional(),
    sex: z.enum(['M', 'F']).optional(),
    consents: z.array(z.string().min(1)).optional(),
    legalRepresentative: Id.optional(),
    principal: Id.optional(),
    actualController: Id.optional(),
    parents: z.array(Id).optional(),
    directlyResponsible: z.array(Id).optional(),
    district: z.string().optional(),
  })
  .strict();

/** Check one register entry; returns every problem (empty means valid). */
export function checkSubject(s: Subject): { code: string; message: string }[] {
  const out: { code: string; message: string }[] = [];
  const idc = validateSubjectId(s.id);
  if (!idc.ok) out.push({ code: idc.code, message: `id: ${idc.message}` });
  else if (idc.type !== s.type)
    out.push({
      code: 'subject.type_mismatch',
      message: `id ${s.id} identifies a ${idc.type} person, not ${s.type}`,
    });
  if (idc.ok && idc.type === 'natural') {
    const parts = parseResidentId(s.id);
    if (s.birthDate !== undefined && s.birthDate !== parts.birthDate)
      out.push({
        code: 'subject.birth_date_mismatch',
        message: `birthDate ${s.birthDate} differs from the ID (${parts.birthDate})`,
      });
    if (s.sex !== undefined && s.sex !== parts.sex)
      out.push({
        code: 'subject.sex_mismatch',
        message: `sex ${s.sex} differs from the ID's sequence parity (${parts.sex})`,
      });
  }
  if (s.type === 'legal' && (s.hukou || s.birthDate || s.sex || s.parents))
    out.push({
      code: 'subject.natural_field',
      message: 'hukou, birthDate, sex and parents apply to natural persons only',
    });
  // A court names the persons directly responsible for an entity's debt; a person has no such list.
  if (s.type === 'natural' && s.directlyResponsible)
    out.push({
      code: 'subject.legal_field',
      message: 'directlyResponsible applies to legal persons only',
    });
  for (const [field, ids] of [
    ['legalRepresentative', [s.legalRepresentative]],
    ['principal', [s.principal]],
    ['actualController', [s.actualController]],
    ['parents', s.parents ?? []],
    ['directlyResponsible', s.directlyResponsible ?? []],
  ] as const)
    for (const id of ids) {
      if (id === undefined) continue;
      const c = validateSubjectId(id);
      if (!c.ok) out.push({ code: c.code, message: `${field}: ${c.message}` });
      else if (field !== 'actualController' && c.type !== 'natural')
        out.push({ code: 'subject.link_type', message: `${field} ${id} must be a natural person` });
    }
  return out;
}

/** Read a JSONL file of register entries. Throws one MosaicError listing every bad line (file:line). */
export async function readSubjects(file: string): Promise<Subject[]> {
  const subjects: Subject[] = [];
  const issues: Issue[] = [];
  const lineOf = new Map<string, number>();
  for await (const batch of readRows(file, 'jsonl'))
    for (const row of batch) {
      const location = { file, line: row.line };
      if (!row.value) {
        issues.push(...row.issues);
        continue;
      }
      const res = SubjectSchema.safeParse(row.value);
      if (!res.success) {
        for (const zi of res.error.issues)
          issues.push({
            code: zi.code === 'unrecognized_keys' ? 'subject.unknown_field' : 'subject.invalid',
            message: `${zi.path.join('.') || 'entry'}: ${zi.message}`,
            location,
          });
        continue;
      }
      const s = res.data as Subject;
      for (const p of checkSubject(s)) issues.push({ ...p, location });
      const prev = lineOf.get(s.id);
      if (prev !== undefined)
        issues.push({
          code: 'subject.duplicate',
          message: `${s.id} is already defined on line ${prev}`,
          location,
        });
      lineOf.set(s.id, row.line);
      subjects.push(s);
    }
  if (issues.length) throw new MosaicError(issues);
  return subjects;
}
