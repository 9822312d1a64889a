// The subject register shared by the adapters: checks on the way in and one canonical object shape on the way out.
import { isIsoDate } from '../core/dates.js';
import { MosaicError, type Issue } from '../core/errors.js';
import { validateSubjectId } from '../core/identifiers.js';
import { ROLES, type Subject } from '../core/types.js';

const OPTIONAL_STRINGS = [
  'name',
  'hukou',
  'birthDate',
  'sex',
  'legalRepresentative',
  'principal',
  'actualController',
  'district',
] as const;
const OPTIONAL_LISTS = ['consents', 'parents', 'directlyResponsible'] as const;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f]/;

/** Every problem in a batch of register entries, located at ['subjects', index, field]. */
export function subjectIssues(subjects: readonly Subject[]): Issue[] {
  const out: Issue[] = [];
  subjects.forEach((s, i) => {
    const at = (field: string) => ({ path: ['subjects', i, field] as (string | number)[] });
    if (typeof s !== 'object' || s === null) {
      out.push({
        code: 'subject.not_object',
        message: 'a subject must be an object',
        location: { path: ['subjects', i] },
      });
      return;
    }
    const idc = typeof s.id === 'string' ? validateSubjectId(s.id) : undefined;
    if (!idc) out.push({ code: 'subject.bad_type', message: 'id must be a string', location: at('id') });
    else if (!idc.ok) out.push({ code: idc.code, message: idc.message, location: at('id') });
    if (s.type !== 'natural' && s.type !== 'legal')
      out.push({
        code: 'subject.bad_subject_type',
        message: `type '${String(s.type)}' is not natural or legal`,
        location: at('type'),
      });
    else if (idc?.ok && idc.type !== s.type)
      out.push({
        code: 'subject.type_mismatch',
        message: `id ${s.id} identifies a ${idc.type} person but type is ${s.type}`,
        location: at('type'),
      });
    if (typeof s.jurisdiction !== 'string' || !/^\d{6}$/.test(s.jurisdiction))
      out.push({
        code: 'subject.bad_jurisdiction',
        message: 'jurisdiction must be a 6-digit division code',
        location: at('jurisdiction'),
      });
    if (!Array.isArray(s.roles) || s.roles.some((r) => !ROLES.includes(r)))
      out.push({
        code: 'subject.bad_role',
        message: `roles must be a list of ${ROLES.join(', ')}`,
        location: at('roles'),
      });
    for (const f of OPTIONAL_STRINGS)
      if (s[f] !== undefined && typeof s[f] !== 'string')
        out.push({ code: 'subject.bad_type', message: `${f} must be a string`, location: at(f) });
    for (const f of OPTIONAL_LISTS)
      if (s[f] !== undefined && (!Array.isArray(s[f]) || s[f].some((x) => typeof x !== 'string')))
        out.push({ code: 'subject.bad_type', message: `${f} must be a list of strings`, location: at(f) });
      // Control characters have no place in an id or scheme name, and adapters use U+001F as a separator.
      else if (s[f]?.some((x) => CONTROL.test(x)))
        out.push({
          code: 'subject.control_character',
          message: `${f} must not contain control characters`,
          location: at(f),
        });
    if (typeof s.birthDate === 'string' && !isIsoDate(s.birthDate))
      out.push({
        code: 'subject.bad_date',
        message: `birthDate '${s.birthDate}' is not YYYY-MM-DD`,
        location: at('birthDate'),
      });
    if (s.sex !== undefined && s.sex !== 'M' && s.sex !== 'F')
      out.push({ code: 'subject.bad_sex', message: `sex must be M or F`, location: at('sex') });
    if (s.hukou !== undefined && s.hukou !== 'urban' && s.hukou !== 'rural')
      out.push({ code: 'subject.bad_hukou', message: `hukou must be urban or rural`, location: at('hukou') });
  });
  return out;
}

export function checkSubjects(subjects: readonly Subject[]): void {
  const issues = subjectIssues(subjects);
  if (issues.length) throw new MosaicError(issues);
}

/** A copy with only the fields that are set, in one order: what every adapter returns. */
export function cloneSubject(s: Subject): Subject {
  const out: Subject = { id: s.id, type: s.type, jurisdiction: s.jurisdiction, roles: [...s.roles] };
  for (const f of OPTIONAL_STRINGS) if (s[f] != null) (out as unknown as Record<string, unknown>)[f] = s[f];
  for (const f of OPTIONAL_LISTS) if (s[f] != null) out[f] = [...s[f]];
  return out;
}

export const SUBJECT_STRING_FIELDS = OPTIONAL_STRINGS;
export const SUBJECT_LIST_FIELDS = OPTIONAL_LISTS;
