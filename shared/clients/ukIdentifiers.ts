/** Companies House numbers: 8 digits (zeros restored where a spreadsheet dropped them), or 2 letters + 6 digits. */
export function normaliseCompanyNumber(text: string): string | null {
  const compact = text.replace(/\s+/g, "").toUpperCase();
  if (/^\d{1,8}$/.test(compact)) return compact.padStart(8, "0");
  return /^[A-Z]{2}\d{6}$/.test(compact) ? compact : null;
}

/** National Insurance numbers: two letters, six digits, a letter A-D; spaces removed, upper case. */
export function normaliseNiNumber(text: string): string | null {
  const compact = text.replace(/\s+/g, "").toUpperCase();
  return /^[A-Z]{2}\d{6}[A-D]$/.test(compact) ? compact : null;
}

/** Unique Taxpayer References: 10 digits, spaces removed. */
export function normaliseUtr(text: string): string | null {
  const compact = text.replace(/\s+/g, "");
  return /^\d{10}$/.test(compact) ? compact : null;
}

/** VAT numbers: 9 or 12 digits with an optional `GB`; stored with the `GB` prefix and no spaces. */
export function normaliseVatNumber(text: string): string | null {
  const compact = text.replace(/\s+/g, "").toUpperCase();
  const match = /^(?:GB)?(\d{9}|\d{12})$/.exec(compact);
  return match ? `GB${match[1]}` : null;
}

/**
 * Postcodes: upper case with one space. A UK postcode gets its space before the inward code ("SW1A1AA" is
 * "SW1A 1AA"); anything else (an overseas code) keeps its own words, upper-cased with single spaces.
 */
export function normalisePostcode(text: string): string {
  const upper = text.toUpperCase().replace(/\s+/g, " ").trim();
  const compact = upper.replace(/ /g, "");
  const uk = /^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$/.exec(compact);
  return uk ? `${uk[1]} ${uk[2]}` : upper;
}
