/** Key arithmetic shared by the tables that reference each other. */

/**
 * Order keys are sparse: of each 32 consecutive keys only the first 8 are used (dbgen's `mk_sparse`),
 * leaving room for the refresh functions' inserts. `index` is the 1-based order number.
 */
export function orderKey(index: number): number {
  return Math.floor(index / 8) * 32 + (index % 8);
}

/** A part's retail price in cents, a function of its key alone. */
export function retailPriceCents(partKey: number): number {
  return 90000 + (Math.floor(partKey / 10) % 20001) + (partKey % 1000) * 100;
}

export const SUPPLIERS_PER_PART = 4;

/**
 * The supplier key of a part's `n`-th supplier (n in 0..3): the four are spread a quarter of the
 * supplier range apart, shifted per wrap-around (dbgen's `PART_SUPP_BRIDGE`).
 */
export function partSupplierKey(partKey: number, n: number, suppliers: number): number {
  const stride = Math.floor(suppliers / SUPPLIERS_PER_PART) + Math.floor((partKey - 1) / suppliers);
  return ((partKey + n * stride) % suppliers) + 1;
}
