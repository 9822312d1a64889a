// `mosaic catalogue`: the record kinds a ledger accepts (severities, units, subjects), the issuer levels and the roles.
import type { Command } from 'commander';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { ISSUER_LEVELS, RECORD_STATUSES, ROLES } from '../../core/types.js';
import { out } from '../../ingest/session.js';

export function register(program: Command): void {
  program
    .command('catalogue')
    .description(
      'List the record kinds (with severities, units and subjects), issuer levels, statuses and roles',
    )
    .argument('[prefix]', 'only kinds whose code starts with this, e.g. court. or traffic')
    .option('--json', 'print everything as JSON')
    .action((prefix: string | undefined, flags: { json?: boolean }) => {
      const cat = loadCatalogue(defaultCataloguePath());
      const kinds = cat.kinds.filter((k) => !prefix || k.code.startsWith(prefix));
      if (flags.json) {
        out(
          JSON.stringify(
            { version: cat.version, kinds, levels: ISSUER_LEVELS, statuses: RECORD_STATUSES, roles: ROLES },
            null,
            2,
          ),
        );
        return;
      }
      out(
        `Record kinds (catalogue ${cat.version}): ${kinds.length}${prefix ? ` starting with '${prefix}'` : ''}`,
      );
      const w = Math.max(...kinds.map((k) => k.code.length));
      for (const k of kinds) {
        const facts = [
          k.subjects.join('+'),
          k.polarity,
          k.unit ? `amount in ${k.unit}` : '',
          k.severities?.length ? `severity: ${k.severities.join(' | ')}` : '',
          k.national ? '' : 'local kind',
        ].filter(Boolean);
        out(`  ${k.code.padEnd(w)}  ${k.en}`);
        out(`  ${''.padEnd(w)}  ${facts.join(' · ')}`);
      }
      out();
      out(`Issuer levels (field 'level'): ${ISSUER_LEVELS.join(', ')}`);
      out(`Statuses (field 'status'): ${RECORD_STATUSES.join(', ')}`);
      out(`Roles (register field 'roles'): ${ROLES.join(', ')}`);
    });
}
