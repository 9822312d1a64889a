// Growable output buffers of one district epoch: true events (recorded or not) and attempts at restricted actions,
// each column a typed array so they cross to the main thread by transfer.
import { Grow } from './columns.js';

export interface EventBuffers {
  id: Float64Array;
  subject: Int32Array;
  type: Uint16Array;
  day: Int32Array;
  amount: Float64Array;
  agency: Int16Array;
  recorded: Uint8Array;
  fabricated: Uint8Array;
  recordId: string[];
}

/** The court's request to list a debtor, decided on the main thread by the lists engine (requestListing). */
export interface ListingAsk {
  subject: number;
  day: number;
  criterion: string;
  /** The enforcement case number: the listing's basis. */
  basis: string;
  /** Event ids of the listing and the consumption restriction, if granted. */
  eventIds: [number, number];
}

/** An attempt at an action some measure may block; main resolves it against the decision index. */
export interface Attempts {
  subject: Int32Array;
  action: Uint8Array;
  day: Int32Array;
  /** Pre-drawn uniform for the implementing agency's coverage, and working-day delay. */
  u: Float64Array;
  delay: Int32Array;
  eventId: Float64Array;
}

export interface EventGrow {
  id: Grow<Float64Array>;
  subject: Grow<Int32Array>;
  type: Grow<Uint16Array>;
  day: Grow<Int32Array>;
  amount: Grow<Float64Array>;
  agency: Grow<Int32Array>;
  recorded: Grow<Uint8Array>;
  fabricated: Grow<Uint8Array>;
  recordId: string[];
}
export function newEvents(): EventGrow {
  return {
    id: new Grow(Float64Array),
    subject: new Grow(Int32Array),
    type: new Grow(Uint16Array),
    day: new Grow(Int32Array),
    amount: new Grow(Float64Array),
    agency: new Grow(Int32Array),
    recorded: new Grow(Uint8Array),
    fabricated: new Grow(Uint8Array),
    recordId: [],
  };
}
export function pushEvent(
  e: EventGrow,
  id: number,
  subject: number,
  type: number,
  day: number,
  amount: number,
  agency: number,
  recorded: number,
  fabricated: number,
  recordId: string,
): void {
  e.id.push(id);
  e.subject.push(subject);
  e.type.push(type);
  e.day.push(day);
  e.amount.push(amount);
  e.agency.push(agency);
  e.recorded.push(recorded);
  e.fabricated.push(fabricated);
  e.recordId.push(recordId);
}
export function takeEvents(e: EventGrow): EventBuffers {
  return {
    id: e.id.take(),
    subject: e.subject.take(),
    type: e.type.take(),
    day: e.day.take(),
    amount: e.amount.take(),
    agency: Int16Array.from(e.agency.take()),
    recorded: e.recorded.take(),
    fabricated: e.fabricated.take(),
    recordId: e.recordId,
  };
}

export interface AttemptGrow {
  subject: Grow<Int32Array>;
  action: Grow<Uint8Array>;
  day: Grow<Int32Array>;
  u: Grow<Float64Array>;
  delay: Grow<Int32Array>;
  eventId: Grow<Float64Array>;
}
export function newAttempts(): AttemptGrow {
  return {
    subject: new Grow(Int32Array, 64),
    action: new Grow(Uint8Array, 64),
    day: new Grow(Int32Array, 64),
    u: new Grow(Float64Array, 64),
    delay: new Grow(Int32Array, 64),
    eventId: new Grow(Float64Array, 64),
  };
}
export function pushAttempt(
  a: AttemptGrow,
  subject: number,
  action: number,
  day: number,
  u: number,
  delay: number,
  eventId: number,
): void {
  a.subject.push(subject);
  a.action.push(action);
  a.day.push(day);
  a.u.push(u);
  a.delay.push(delay);
  a.eventId.push(eventId);
}
export function takeAttempts(a: AttemptGrow): Attempts {
  return {
    subject: a.subject.take(),
    action: a.action.take(),
    day: a.day.take(),
    u: a.u.take(),
    delay: a.delay.take(),
    eventId: a.eventId.take(),
  };
}
