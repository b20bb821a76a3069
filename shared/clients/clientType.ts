export const clientTypes = [
  "PrivateLimitedCompany",
  "PublicLimitedCompany",
  "LimitedLiabilityPartnership",
  "Partnership",
  "Individual",
  "Trust",
  "Charity",
  "SoleTrader",
] as const;
export type ClientType = (typeof clientTypes)[number];

// Keys are the words people write, lower-cased with everything but letters removed. A Map, so cell text such as
// `constructor` finds nothing.
const spellings = new Map<string, ClientType>([
  ["ltd", "PrivateLimitedCompany"],
  ["limited", "PrivateLimitedCompany"],
  ["limitedcompany", "PrivateLimitedCompany"],
  ["ltdcompany", "PrivateLimitedCompany"],
  ["privatelimited", "PrivateLimitedCompany"],
  ["privatecompany", "PrivateLimitedCompany"],
  ["privatelimitedcompany", "PrivateLimitedCompany"],
  ["company", "PrivateLimitedCompany"],
  ["plc", "PublicLimitedCompany"],
  ["publiclimited", "PublicLimitedCompany"],
  ["publiclimitedcompany", "PublicLimitedCompany"],
  ["publiccompany", "PublicLimitedCompany"],
  ["llp", "LimitedLiabilityPartnership"],
  ["limitedliabilitypartnership", "LimitedLiabilityPartnership"],
  ["partnership", "Partnership"],
  ["individual", "Individual"],
  ["person", "Individual"],
  ["personal", "Individual"],
  ["trust", "Trust"],
  ["charity", "Charity"],
  ["soletrader", "SoleTrader"],
  ["soleproprietor", "SoleTrader"],
  ["selfemployed", "SoleTrader"],
]);
for (const type of clientTypes) spellings.set(type.toLowerCase(), type);

/** Reads a client type leniently: case, spaces and punctuation ignored, common words accepted ("Ltd", "LLP"). */
export function parseClientType(text: string): ClientType | null {
  return spellings.get(text.toLowerCase().replace(/[^a-z]/g, "")) ?? null;
}
