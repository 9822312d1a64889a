// Messages between partitions and from the main thread, as (type, target, day) triples delivered at a later epoch in
// a fixed order.
export const MSG_CHILD_BORN = 1;
/** From main: a listing of this person/firm ended at its term; the debt stays, the listing does not. */
export const MSG_LISTING_ENDED = 2;
