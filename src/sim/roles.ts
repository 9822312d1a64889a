// The simulation's role bits, defined once: the register's roles (src/core/types.ts ROLES) plus the village collector,
// which only the simulation knows. Every other table of roles in src/sim derives from this one.
import { ROLES, type Role } from '../core/types.js';

export const ROLE = {
  state_personnel: 1,
  village_cadre: 2,
  party_member: 4,
  legal_representative: 8,
  collector: 16,
} as const satisfies Record<Role | 'collector', number>;

export type SimRole = keyof typeof ROLE;
export const ROLE_NAMES = Object.keys(ROLE) as [SimRole, ...SimRole[]];

/** (bit, role) of the roles the register records, in ROLES order. */
export const REGISTER_ROLES: readonly [number, Role][] = ROLES.map((r) => [ROLE[r], r]);

/** The bits of the register's roles (the collector bit masked out). */
export const REGISTER_ROLE_MASK = REGISTER_ROLES.reduce((m, [b]) => m | b, 0);
