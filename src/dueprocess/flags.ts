// Flags on records under objection: while an objection is open, every report shows the record it is about as disputed.
import { fromEpochDay } from '../core/dates.js';
import type { DueProcessPolicy } from './policy.js';
import type { DueProcessState } from './state.js';

export interface Flag {
  objection: string;
  channel: string;
  body: string;
  filedOn: string;
  due: string;
  basis: string;
}

/** Open objections by the ledger record they concern (a publication or repair is traced to its record). */
export function flagsByRecord(st: DueProcessState, policy: DueProcessPolicy): Map<string, Flag[]> {
  const out = new Map<string, Flag[]>();
  for (const o of st.objections.values()) {
    if (o.status !== 'open') continue;
    const channel = policy.channel(o.channel);
    if (!channel.flag_while_open) continue;
    let record: string | undefined;
    if (o.target.type === 'record' || o.target.type === 'list_entry') record = o.target.ref;
    else if (o.target.type === 'publication') record = st.publications.get(o.target.ref)?.record;
    else {
      const pub = st.repairs.get(o.target.ref)?.publication;
      record = pub === undefined ? undefined : st.publications.get(pub)?.record;
    }
    if (record === undefined) continue;
    const list = out.get(record) ?? [];
    list.push({
      objection: o.id,
      channel: o.channel,
      body: o.body,
      filedOn: fromEpochDay(o.received),
      due: fromEpochDay(o.due),
      basis: channel.basis,
    });
    out.set(record, list);
  }
  return out;
}
