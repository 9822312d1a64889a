// Builds the audited population's attribute columns (hukou, role, sex, age band, district) from register columns.
import { toEpochDay } from '../core/dates.js';
import { ageBands, encodeAttribute, type Attribute } from './groups.js';
import type { PopulationView } from './views.js';

/** Register data of natural persons, one entry per person (columns, not objects). */
export interface PopulationColumns {
  ids: string[];
  hukou?: (string | null)[];
  sex?: (string | null)[];
  /** YYYY-MM-DD or null. */
  birthDate?: (string | null)[];
  district?: (string | null)[];
  occupation?: (string | null)[];
  /** Role flags (0/1). */
  roles: { state_personnel?: Uint8Array; village_cadre?: Uint8Array; party_member?: Uint8Array };
}

/** Order of precedence when a person holds several roles: the most scrutinised role names the group. */
export const ROLE_ORDER = ['state_personnel', 'village_cadre', 'party_member', 'none'] as const;

export function buildPopulation(c: PopulationColumns, asOf: string): PopulationView {
  const n = c.ids.length;
  const attributes: Attribute[] = [];
  if (c.hukou) attributes.push(encodeAttribute('hukou', c.hukou, ['urban', 'rural']));
  const roles = new Map<string, Uint8Array>();
  for (const r of ['state_personnel', 'village_cadre', 'party_member'] as const) {
    const col = c.roles[r];
    if (col) roles.set(r, col);
  }
  if (roles.size) {
    const role = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      role[i] = 'none';
      for (const r of ROLE_ORDER)
        if (r !== 'none' && roles.get(r)?.[i]) {
          role[i] = r;
          break;
        }
    }
    attributes.push(encodeAttribute('role', role, ROLE_ORDER));
    const sp = roles.get('state_personnel');
    if (sp)
      attributes.push(
        encodeAttribute(
          'state_personnel',
          Array.from(sp, (x) => (x ? 'state personnel' : 'others')),
          ['state personnel', 'others'],
        ),
      );
  }
  if (c.sex) attributes.push(encodeAttribute('sex', c.sex, ['F', 'M']));
  if (c.birthDate)
    attributes.push(
      ageBands(
        Float64Array.from(c.birthDate, (d) => (d ? toEpochDay(d) : NaN)),
        toEpochDay(asOf),
      ),
    );
  if (c.district) attributes.push(encodeAttribute('district', c.district));
  if (c.occupation) attributes.push(encodeAttribute('occupation', c.occupation));
  return { ids: c.ids, index: new Map(c.ids.map((id, i) => [id, i])), attributes, roles };
}
