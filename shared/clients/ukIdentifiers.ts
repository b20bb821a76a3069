/**
 * Companies House numbers: 8 digits (zeros restored where a spreadsheet dropped them), 2 letters + 6 digits, or
 * `R` + 7 digits (Northern Ireland companies registered before 1922).
 */
export function normaliseCompanyNumber(text: string): string | null {
  const compact = text.replace(/\s+/g, "").toUpperCase();
  if (/^\d{1,8}$/.test(compact)) return compact.padStart(8, "0");
  return /^(?:[A-Z]{2}\d{6}|R\d{7})$/.test(compact) ? compact : null;
}

/**
 * A telephone number as written, but for the one a spreadsheet took for a number: a UK number's digits alone,
 * without the leading 0 (`7700900123`, 10 digits) or the + of +44 (`447700900123`), which it gets back; such digit
 * strings are no other number a UK practice's list would hold. Other numbers are kept as written.
 */
export function normaliseTelephone(text: string): string {
  if (/^[1-9]\d{9}$/.test(text)) return `0${text}`;
  return /^44[1-9]\d{9}$/.test(text) ? `+${text}` : text;
}

/** National Insurance numbers: two letters, six digits, a letter A-D; spaces removed, upper case. */
export function normaliseNiNumber(text: string): string | null {
  const compact = text.replace(/\s+/g, "").toUpperCase();
  return /^[A-Z]{2}\d{6}[A-D]$/.test(compact) ? compact : null;
}

/**
 * Unique Taxpayer References: 10 digits, spaces removed. A `K` after them is dropped: it ends the Self Assessment
 * payment reference HMRC prints beside the UTR, which is often copied for it.
 */
export function normaliseUtr(text: string): string | null {
  const match = /^(\d{10})K?$/i.exec(text.replace(/\s+/g, ""));
  return match ? match[1] : null;
}

/**
 * VAT numbers: 9 or 12 digits with an optional `GB`, stored with it and no spaces, or after `XI` (Northern
 * Ireland's, for trade in goods with the EU), stored with that; and a government department's or health
 * authority's `GD` or `HA` number, under `GB`.
 */
export function normaliseVatNumber(text: string): string | null {
  const compact = text.replace(/\s+/g, "").toUpperCase();
  const number = /^(GB|XI)?(\d{9}|\d{12})$/.exec(compact);
  if (number) return `${number[1] ?? "GB"}${number[2]}`;
  // Government departments' GD000-GD499 and health authorities' HA500-HA999 exist under GB only.
  const body = /^(?:GB)?(GD[0-4]\d{2}|HA[5-9]\d{2})$/.exec(compact);
  return body ? `GB${body[1]}` : null;
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
