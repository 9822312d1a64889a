// The simulation's register role bits are the municipal scheme's ROLE_BITS (Scoring hands them over unchanged).
import { describe, expect, it } from 'vitest';
import { ROLES } from '../core/types.js';
import { ROLE_BITS } from '../schemes/municipal/types.js';
import { REGISTER_ROLE_MASK, REGISTER_ROLES, ROLE } from './roles.js';

describe('role bits', () => {
  it('coincide with the municipal ROLE_BITS for every register role, and the collector bit is outside them', () => {
    for (const r of ROLES) expect(ROLE[r]).toBe(ROLE_BITS[r]);
    expect(REGISTER_ROLES.map(([, r]) => r)).toEqual([...ROLES]);
    expect(REGISTER_ROLE_MASK & ROLE.collector).toBe(0);
    const bits = Object.values(ROLE);
    expect(new Set(bits).size).toBe(bits.length);
    for (const b of bits) expect(b & (b - 1)).toBe(0);
  });
});
