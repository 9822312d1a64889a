// The subject register as the lists engines need it: types, ages, and the links relational measures follow.
import { toEpochDay } from '../../core/dates.js';
import { parseResidentId, validateResidentId } from '../../core/identifiers.js';
import type { Subject, SubjectType } from '../../core/types.js';
import type { Relation } from './schema.js';

export const OFFICER_RELATIONS = ['legal_representative', 'principal', 'actual_controller'] as const;
export type OfficerRelation = (typeof OFFICER_RELATIONS)[number];
const FIELD: Record<OfficerRelation, 'legalRepresentative' | 'principal' | 'actualController'> = {
  legal_representative: 'legalRepresentative',
  principal: 'principal',
  actual_controller: 'actualController',
};

/** A listed party and how a decision subject is linked to it. */
export interface Link {
  /** The listed party (an entity, or a parent). */
  source: string;
  relation: Relation;
}

/**
 * Register links are current facts (Subject carries no dates), so relational reach uses today's links for every
 * date asked about. The lists engines state this in their explanations.
 */
export class Register {
  private readonly byId = new Map<string, Subject>();
  /** Reverse links, built on first use (a 1M-subject register is loaded far more often than it is walked). */
  private rev?: { officerOf: Map<string, Link[]>; children: Map<string, string[]> };

  constructor(subjects: Iterable<Subject> = []) {
    for (const s of subjects) this.byId.set(s.id, s);
  }

  /** Insert or replace a subject and its links. */
  put(s: Subject): void {
    const old = this.byId.get(s.id);
    if (this.rev && old) this.unlink(this.rev, old);
    this.byId.set(s.id, s);
    if (this.rev) this.link(this.rev, s);
  }

  private reverse(): NonNullable<Register['rev']> {
    if (!this.rev) {
      const rev = { officerOf: new Map<string, Link[]>(), children: new Map<string, string[]>() };
      for (const s of this.byId.values()) this.link(rev, s);
      this.rev = rev;
    }
    return this.rev;
  }

  private link(rev: NonNullable<Register['rev']>, s: Subject): void {
    if (s.legalRepresentative)
      push(rev.officerOf, s.legalRepresentative, { source: s.id, relation: 'legal_representative' });
    if (s.principal) push(rev.officerOf, s.principal, { source: s.id, relation: 'principal' });
    if (s.actualController)
      push(rev.officerOf, s.actualController, { source: s.id, relation: 'actual_controller' });
    for (const p of s.directlyResponsible ?? [])
      push(rev.officerOf, p, { source: s.id, relation: 'directly_responsible' });
    if (s.parents) for (const p of s.parents) push(rev.children, p, s.id);
  }

  private unlink(rev: NonNullable<Register['rev']>, s: Subject): void {
    for (const rel of OFFICER_RELATIONS) {
      const person = s[FIELD[rel]];
      if (!person) continue;
      const arr = (rev.officerOf.get(person) ?? []).filter((l) => !(l.source === s.id && l.relation === rel));
      if (arr.length) rev.officerOf.set(person, arr);
      else rev.officerOf.delete(person);
    }
    for (const person of s.directlyResponsible ?? []) {
      const arr = (rev.officerOf.get(person) ?? []).filter(
        (l) => !(l.source === s.id && l.relation === 'directly_responsible'),
      );
      if (arr.length) rev.officerOf.set(person, arr);
      else rev.officerOf.delete(person);
    }
    for (const p of s.parents ?? []) {
      const arr = (rev.children.get(p) ?? []).filter((c) => c !== s.id);
      if (arr.length) rev.children.set(p, arr);
      else rev.children.delete(p);
    }
  }

  get(id: string): Subject | undefined {
    return this.byId.get(id);
  }
  all(): IterableIterator<Subject> {
    return this.byId.values();
  }
  get size(): number {
    return this.byId.size;
  }

  typeOf(id: string): SubjectType {
    return this.byId.get(id)?.type ?? (validateResidentId(id).ok ? 'natural' : 'legal');
  }

  /** Birth day from the register, else from the resident ID number; undefined for entities. */
  birthDay(id: string): number | undefined {
    const b = this.byId.get(id)?.birthDate;
    if (b) return toEpochDay(b);
    return validateResidentId(id).ok ? toEpochDay(parseResidentId(id).birthDate) : undefined;
  }

  /** Is `person` linked to `entity` as an officer or as a person directly responsible for its debt? */
  isOfficerOf(person: string, entity: string): boolean {
    const s = this.byId.get(entity);
    return (
      OFFICER_RELATIONS.some((r) => s?.[FIELD[r]] === person) ||
      (s?.directlyResponsible ?? []).includes(person)
    );
  }

  /** The natural person linked to an entity by an officer relation. */
  officer(entity: string, rel: OfficerRelation): string | undefined {
    return this.byId.get(entity)?.[FIELD[rel]];
  }

  /** Who `subject` stands for: each listed party whose measures could reach `subject`, and through what link. */
  sourcesOf(subject: string): Link[] {
    const out: Link[] = [{ source: subject, relation: 'listed_subject' }];
    out.push(...(this.reverse().officerOf.get(subject) ?? []));
    for (const p of this.byId.get(subject)?.parents ?? []) out.push({ source: p, relation: 'child' });
    return out;
  }

  /** Whom the measures on `source` reach through `relation`. */
  targetsOf(source: string, relation: Relation): string[] {
    if (relation === 'listed_subject') return [source];
    if (relation === 'child') return this.reverse().children.get(source) ?? [];
    if (relation === 'directly_responsible') return this.byId.get(source)?.directlyResponsible ?? [];
    const o = this.officer(source, relation);
    return o ? [o] : [];
  }
}

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const arr = m.get(k);
  if (arr) arr.push(v);
  else m.set(k, [v]);
}
