import { compareKey } from "./clientKeys";
import { ClientWrite } from "./clientStore";
import { MatchField } from "./targetFields";

/** What matching and uniqueness need to know of one client. */
export interface IndexedClient {
  code: string;
  name: string;
  companyNumber: string | null;
  niNumber: string | null;
  internalReference: string | null;
}

/**
 * A tenant's clients by every match field, in memory. The engine loads it once per slice, under the tenant's
 * import lease, and keeps it current as it decides rows, so rows apply in file order as if one by one.
 */
export class ClientIndex {
  private readonly byCode = new Map<string, IndexedClient>();
  private readonly byName = new Map<string, Set<string>>();
  private readonly byInternalReference = new Map<string, Set<string>>();
  private readonly byCompanyNumber = new Map<string, string>();
  private readonly byNiNumber = new Map<string, string>();

  get size(): number {
    return this.byCode.size;
  }

  /** Every client whose `field` equals `value` (normalised as the row's value was). */
  find(field: MatchField, value: string): IndexedClient[] {
    const codes = (keys: Iterable<string> | undefined) => [...(keys ?? [])].map((code) => this.byCode.get(code)!);
    switch (field) {
      case "Code":
        return codes(this.byCode.has(compareKey(value)) ? [compareKey(value)] : []);
      case "Name":
        return codes(this.byName.get(compareKey(value)));
      case "InternalReference":
        return codes(this.byInternalReference.get(compareKey(value)));
      case "CompanyNumber":
        return codes(single(this.byCompanyNumber.get(value)));
      case "NiNumber":
        return codes(single(this.byNiNumber.get(value)));
    }
  }

  /** Adds a client, or replaces what was known of the client with the same code. */
  put(client: IndexedClient): void {
    const codeKey = compareKey(client.code);
    const previous = this.byCode.get(codeKey);
    if (previous) this.remove(codeKey, previous);
    this.byCode.set(codeKey, client);
    addTo(this.byName, compareKey(client.name), codeKey);
    if (client.internalReference) addTo(this.byInternalReference, compareKey(client.internalReference), codeKey);
    if (client.companyNumber) this.byCompanyNumber.set(client.companyNumber, codeKey);
    if (client.niNumber) this.byNiNumber.set(client.niNumber, codeKey);
  }

  /** Keeps the index current with a write: a new client, or changed match values of an existing one. */
  recordWrite(write: ClientWrite): void {
    const text = (value: unknown, fallback: string | null) => (typeof value === "string" ? value : fallback);
    if (write.kind === "create") {
      const v = write.values;
      this.put({ code: v.Code, name: v.Name, companyNumber: text(v.CompanyNumber, null), niNumber: text(v.NiNumber, null), internalReference: text(v.InternalReference, null) });
      return;
    }
    const known = this.byCode.get(compareKey(write.code));
    if (!known) return;
    const v = write.values;
    this.put({
      code: known.code,
      name: text(v.Name, known.name)!,
      companyNumber: text(v.CompanyNumber, known.companyNumber),
      niNumber: text(v.NiNumber, known.niNumber),
      internalReference: text(v.InternalReference, known.internalReference),
    });
  }

  private remove(codeKey: string, client: IndexedClient): void {
    this.byName.get(compareKey(client.name))?.delete(codeKey);
    if (client.internalReference) this.byInternalReference.get(compareKey(client.internalReference))?.delete(codeKey);
    if (client.companyNumber && this.byCompanyNumber.get(client.companyNumber) === codeKey) this.byCompanyNumber.delete(client.companyNumber);
    if (client.niNumber && this.byNiNumber.get(client.niNumber) === codeKey) this.byNiNumber.delete(client.niNumber);
  }
}

function single(value: string | undefined): string[] {
  return value === undefined ? [] : [value];
}

function addTo(map: Map<string, Set<string>>, key: string, codeKey: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(codeKey);
}
