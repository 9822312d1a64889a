// Generates Meritown's enterprises: sector, size, founding date, district, legal representative, actual controller
// and employees, all drawn from the resident columns.
import type { Rng } from '../core/rng.js';
import { cumulative, drawCum } from './random.js';
import type { FirmsFile } from './scenario-schema.js';
import {
  OCC,
  ROLE_LEGAL_REP,
  allocFirms,
  ageYears,
  type DistrictLayout,
  type FirmCols,
  type PersonCols,
} from './world.js';

export interface FirmsResult {
  firms: FirmCols;
  sectorNames: string[];
  sizeNames: string[];
  typePairs: string[];
}

export function generateFirms(
  rng: Rng,
  spec: FirmsFile,
  P: PersonCols,
  districts: DistrictLayout[],
  startDay: number,
  compliance: { shape: number; cap: number },
  finance: { shape: number; cap: number },
  propensity: (r: Rng, shape: number, cap: number) => number,
): FirmsResult {
  const sectorCum = cumulative(spec.sectors.list.map((s) => s.share));
  const sizeCum = cumulative(spec.sizes.list.map((s) => s.share));
  const counts = districts.map((d) =>
    Math.max(1, Math.round((d.personInitial * spec.perThousandResidents.value) / 1000)),
  );
  const F = allocFirms(counts.reduce((a, b) => a + b, 0));
  F.legalRep.fill(-1);
  F.controller.fill(-1);
  F.village.fill(-1);
  const O = spec.officers;

  // Candidate officers per district: adults of working age, weighted by income.
  const officerPools = districts.map((d) => {
    const idx: number[] = [];
    const w: number[] = [];
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) {
      const a = ageYears(P.birth[i]!, startDay);
      if (a < O.minAge || a > O.maxAge) continue;
      idx.push(i);
      w.push(Math.pow(Math.max(O.incomeFloor, P.income[i]!), O.incomeElasticity));
    }
    return { idx, cum: cumulative(w) };
  });
  const coopSector = spec.sectors.list.findIndex((s) => s.typePair === '93');

  let f = 0;
  districts.forEach((d, di) => {
    const r = rng.fork(`firms:${d.code}`);
    d.firmStart = f;
    d.firmCount = counts[di]!;
    for (let k = 0; k < counts[di]!; k++, f++) {
      F.sector[f] = drawCum(r, sectorCum);
      F.size[f] = drawCum(r, sizeCum);
      const age = Math.min(spec.age.maxYears, -Math.log(1 - r.next()) * spec.age.meanYears);
      F.founded[f] = startDay - Math.max(1, Math.floor(age * 365.2425));
      F.district[f] = d.index;
      F.counter[f] = k + 1;
      if (F.sector[f] === coopSector && d.villageCount > 0)
        F.village[f] = d.villageStart + r.int(d.villageCount);
      const poolD = r.next() < O.otherDistrict && districts.length > 1 ? r.int(districts.length) : di;
      const pool = officerPools[poolD]!;
      if (pool.idx.length === 0) continue;
      const rep = pool.idx[drawCum(r, pool.cum)]!;
      F.legalRep[f] = rep;
      P.roles[rep]! |= ROLE_LEGAL_REP;
      let ctl = rep;
      if (r.next() >= O.controllerIsRepresentative) {
        const sp = P.spouse[rep]!;
        ctl = sp >= 0 && r.next() < O.controllerIsSpouse ? sp : pool.idx[drawCum(r, pool.cum)]!;
      }
      F.controller[f] = ctl;
      F.tCompliance[f] = propensity(r, compliance.shape, compliance.cap);
      F.tFinance[f] = propensity(r, finance.shape, finance.cap);
    }
  });

  // Employees: every worker is hired by a firm of their district, with odds by size class.
  const sizeWeight = spec.sizes.list.map((s) => s.weight);
  districts.forEach((d) => {
    if (d.firmCount === 0) return;
    const r = rng.fork(`employment:${d.code}`);
    const w: number[] = [];
    for (let j = d.firmStart; j < d.firmStart + d.firmCount; j++) w.push(sizeWeight[F.size[j]!]!);
    const cum = cumulative(w);
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) {
      if (P.occupation[i] !== OCC.worker) continue;
      const j = d.firmStart + drawCum(r, cum);
      P.employer[i] = j;
      F.employees[j]!++;
    }
  });
  return {
    firms: F,
    sectorNames: spec.sectors.list.map((s) => s.name),
    sizeNames: spec.sizes.list.map((s) => s.name),
    typePairs: spec.sectors.list.map((s) => s.typePair),
  };
}
