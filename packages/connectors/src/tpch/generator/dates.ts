/**
 * Dates as dbgen sees them: every date lies in 1992-01-01 … 1998-12-31, and "today" for the status
 * columns is 1995-06-17. Columns carry days since 1970-01-01.
 */

/** 1992-01-01 as days since 1970-01-01. */
export const START_DAY = 8035;
/** 1995-06-17: rows shipped or received on or before it count as past. */
export const CURRENT_DAY = 9298;
/** Days from START_DAY to the last order date: the 2557-day range less 121 + 30 days of shipping. */
export const ORDER_DATE_SPAN = 2557 - (121 + 30) - 1;

export const SHIP_DAYS = { min: 1, max: 121 } as const;
export const COMMIT_DAYS = { min: 30, max: 90 } as const;
export const RECEIPT_DAYS = { min: 1, max: 30 } as const;
