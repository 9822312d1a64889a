// Messages between partitions and from the main thread, as (type, target, day) triples delivered at a later epoch in
// a fixed order.
export const MSG_CHILD_BORN = 1;
/** From main: a listing of this person/firm ended at its term; the debt stays, the listing does not. */
export const MSG_LISTING_ENDED = 2;
/** From main: the lists engine accepted the court's listing request for this person/firm. */
export const MSG_LISTED = 3;
/** From main: the lists engine refused the court's listing request (e.g. the debtor is a minor); the debt stays. */
export const MSG_LISTING_REFUSED = 4;
