import { grown } from "../util/grownArray";
import { compareKey } from "./clientKeys";
import { ClientWrite } from "./clientStore";
import { KeyTable, KeyTableParts } from "./keyTable";
import { MatchField, TargetField } from "./targetFields";

/** Fields besides Code that an index can hold. */
export type IndexedField = Exclude<MatchField, "Code">;

export type IndexedValues = Partial<Record<IndexedField, string>>;

/** Codes a generated code must avoid besides the clients' own: those an import's file gives its rows. */
export interface ReservedCodes {
  has(code: string): boolean;
}

/**
 * What a job's index holds besides the codes: every unique field, and its match field. Only a row that sets a
 * unique field can collide on it, but an index holding only the ones its job maps leaves a snapshot the tenant's
 * next import cannot use if it maps another: imports mapping CompanyNumber and NiNumber in turn would each load
 * every client of the tenant again (minutes for a million). A unique field no client has costs 4 bytes a client.
 */
export function fieldsToIndex(matchField: MatchField): IndexedField[] {
  return [...new Set<IndexedField>(["CompanyNumber", "NiNumber", ...(matchField === "Code" ? [] : [matchField])])];
}

/** A client index as its arrays, for a snapshot: the index made from it finds what the original found. */
export interface ClientIndexImage {
  codes: KeyTableParts;
  /** The codes stored otherwise than as their key (lower case, spaces), numbered in their own table. */
  storedCodes: KeyTableParts;
  /** Client number -> its number in `storedCodes`, -1 (or past the end) for a code stored as its key. */
  storedCodeOf: Int32Array<ArrayBuffer>;
  fields: FieldImage[];
}

export interface FieldImage {
  field: IndexedField;
  values: KeyTableParts;
  /** Client number -> value number, -1 for none. */
  valueOf: Int32Array<ArrayBuffer>;
  /** Value number -> the client that took it last, -1 for none. */
  holderOf: Int32Array<ArrayBuffer>;
  /** Client number -> the client that took its value before it, -1 (or past the end) for none. */
  earlierHolder: Int32Array<ArrayBuffer>;
}

/**
 * A tenant's clients by code and by the indexed fields, in memory. The engine loads it once per slice, under
 * the tenant's import lease, and keeps it current as it decides rows, so rows apply in file order as if one by
 * one. Clients are numbered in a key table of their codes; each field maps client numbers to value numbers and
 * back in typed arrays, so a client costs a few dozen bytes however large the tenant.
 */
export class ClientIndex {
  /** Client number -> code key. */
  private codeKeys = new KeyTable();
  /**
   * The code as stored, for the clients whose code differs from its key (spaces, lower case): in arrays too, as
   * a tenant's codes may all be so (a Map of a million of them took 54 MB of the worker's 96 MB heap).
   */
  private storedCodes = new KeyTable();
  /** Client number -> its stored code's number, `none` (or past the end) when its code is its key. */
  private storedCodeOf = new Int32Array(1 << 10).fill(none);
  /** In the order of the fields it was built with: a few at most, and walked for every client added. */
  private byField: readonly (readonly [IndexedField, FieldValues])[];
  /**
   * For bases of generated codes met more than once, the suffix last handed out. Only those: a file of a million
   * distinct names would otherwise keep a million entries for the import's life (25 MB of heap per 300,000).
   * Forgetting one costs only a longer search from the base itself.
   */
  private readonly lastSuffix = new Map<string, number>();
  /**
   * The same for the codes one import's `reserved` skips as well, apart: an index handed on to the tenant's next
   * import must generate what an index loaded afresh would, so no code is skipped for a reservation not its own.
   */
  private reservedSkips: { reserved: ReservedCodes; lastSuffix: Map<string, number> } | null = null;
  /** The longest code key that is a number written with leading zeros; null until first asked. */
  private zeroLedLength: number | null = null;

  constructor(fields: readonly IndexedField[]) {
    this.byField = fields.map((field) => [field, new FieldValues()] as const);
  }

  /** The index made from `image`, which it then owns. */
  static fromImage(image: ClientIndexImage): ClientIndex {
    const index = new ClientIndex([]);
    index.codeKeys = KeyTable.fromParts(image.codes);
    index.storedCodes = KeyTable.fromParts(image.storedCodes);
    index.storedCodeOf = image.storedCodeOf;
    index.byField = image.fields.map((field) => [field.field, FieldValues.fromImage(field)] as const);
    return index;
  }

  /** Views of the index's arrays, not copies: valid until the index next changes. */
  image(): ClientIndexImage {
    return {
      codes: this.codeKeys.parts(),
      storedCodes: this.storedCodes.parts(),
      storedCodeOf: this.storedCodeOf.subarray(0, Math.min(this.size, this.storedCodeOf.length)),
      fields: this.byField.map(([field, values]) => values.image(field, this.size)),
    };
  }

  /** The codes of every client whose `field` equals `value` (normalised as the row's value was). */
  find(field: MatchField, value: string): string[] {
    if (field === "Code") {
      const client = this.codeKeys.find(compareKey(value));
      return client === -1 ? [] : [this.codeOf(client)];
    }
    const values = this.byField.find(([indexed]) => indexed === field)?.[1];
    if (!values) throw new Error(`The client index was not built with ${field}`);
    return values.holders(valueKey(field, value)).map((client) => this.codeOf(client));
  }

  /**
   * The code of a client whose code is the number `code` is with other leading zeros (`00123` for `123`, `123` for
   * `00123`), or null: a spreadsheet that took a column of codes for numbers saves them without their zeros.
   */
  sameNumberCode(code: string): string | null {
    const key = compareKey(code);
    if (!/^\d+$/.test(key)) return null;
    const number = key.replace(/^0+/, "");
    if (number === "") return null;
    this.zeroLedLength ??= this.codeKeys.longestZeroLedNumber();
    for (let length = number.length; length <= Math.max(number.length, this.zeroLedLength); length++) {
      const candidate = number.padStart(length, "0");
      const client = candidate === key ? -1 : this.codeKeys.find(candidate);
      if (client !== -1) return this.codeOf(client);
    }
    return null;
  }

  /**
   * `base`, else `base2`, `base3`...: the first that no client has and `reserved` does not hold. Codes are never
   * given up within a slice, so the search for a base resumes where it last stopped: a file of 10,000 rows that
   * all make the base `CLIENT` costs 20,000 lookups, not 50 million.
   */
  unusedCode(base: string, reserved?: ReservedCodes): string {
    const codeOf = (n: number) => (n === 1 ? base : `${base}${n}`);
    const held = (n: number) => this.codeKeys.find(compareKey(codeOf(n))) !== -1;
    let suffix = this.lastSuffix.get(base) ?? 1;
    while (held(suffix)) suffix++;
    remember(this.lastSuffix, base, suffix);
    if (reserved) {
      if (this.reservedSkips?.reserved !== reserved) this.reservedSkips = { reserved, lastSuffix: new Map() };
      suffix = Math.max(suffix, this.reservedSkips.lastSuffix.get(base) ?? 1);
      while (held(suffix) || reserved.has(codeOf(suffix))) suffix++;
      remember(this.reservedSkips.lastSuffix, base, suffix);
    }
    return codeOf(suffix);
  }

  get size(): number {
    return this.codeKeys.size;
  }

  get fields(): IndexedField[] {
    return this.byField.map(([field]) => field);
  }

  /** Each client as its code and the value it holds in each of `fields` (null for none), in client order. */
  *clients(): Generator<[string, ...(string | null)[]]> {
    const fields = this.byField.map(([, values]) => values);
    for (let client = 0; client < this.codeKeys.size; client++)
      yield [this.codeOf(client), ...fields.map((values) => values.keyOf(client))];
  }

  /** Adds a client known to exist, with its values of the indexed fields. */
  addClient(code: string, values: IndexedValues): void {
    this.setValues(this.addCode(code), values);
  }

  /**
   * Makes room for `clients` clients in all, and for their values of the fields in `setting`: an import that may
   * create clients reserves for its rows up front, in the fields its rows can set. A field they do not set takes
   * no new values from them, and no room (a million rows would reserve some 15 MB for each).
   */
  reserve(clients: number, setting: readonly TargetField[]): void {
    this.codeKeys.reserve(clients);
    for (const [field, values] of this.byField) if (setting.includes(field)) values.reserve(clients);
  }

  /** Keeps the index current with a write: a new client, or new values of indexed fields of an existing one. */
  recordWrite(write: ClientWrite): void {
    if (write.kind === "create") {
      this.setValues(this.addCode(write.values.Code), write.values);
      return;
    }
    const client = this.codeKeys.find(compareKey(write.code));
    if (client !== -1) this.setValues(client, write.values);
  }

  private addCode(code: string): number {
    const codeKey = compareKey(code);
    const client = this.codeKeys.add(codeKey);
    if (this.zeroLedLength !== null && codeKey.length > this.zeroLedLength && /^0\d*$/.test(codeKey))
      this.zeroLedLength = codeKey.length;
    if (code !== codeKey) {
      if (client >= this.storedCodeOf.length) this.storedCodeOf = grown(this.storedCodeOf, client + 1, none);
      this.storedCodeOf[client] = this.storedCodes.add(code);
    } else if (client < this.storedCodeOf.length) this.storedCodeOf[client] = none;
    return client;
  }

  private setValues(client: number, values: Partial<Record<IndexedField, unknown>>): void {
    for (const [field, fieldValues] of this.byField) {
      const value = values[field];
      if (typeof value === "string") fieldValues.set(client, valueKey(field, value));
    }
  }

  private codeOf(client: number): string {
    const stored = client < this.storedCodeOf.length ? this.storedCodeOf[client] : none;
    return stored === none ? this.codeKeys.key(client) : this.storedCodes.key(stored);
  }
}

const none = -1;
/** Bases whose last suffix is kept at most: a few MB of heap. */
const maxSuffixesKept = 50_000;

/** Notes a base's last suffix when it is past the base itself. */
function remember(lastSuffix: Map<string, number>, base: string, suffix: number): void {
  if (suffix === 1) return;
  if (lastSuffix.size >= maxSuffixesKept) lastSuffix.clear();
  lastSuffix.set(base, suffix);
}

/** One indexed field: which value each client holds, and which clients hold each value. */
class FieldValues {
  private keys = new KeyTable();
  /** Client number -> value number, or `none`. */
  private valueOf = new Int32Array(1 << 10).fill(none);
  /** Value number -> the client that took it last, or `none`. */
  private holderOf = new Int32Array(1 << 10).fill(none);
  /**
   * Client number -> the client that took its value before it, `none` (or past the end) for the first: a list
   * per value in an array, so values many clients share (names) cost no heap. Empty until a value is shared.
   */
  private earlierHolder = new Int32Array(0);

  static fromImage(image: FieldImage): FieldValues {
    const values = new FieldValues();
    values.keys = KeyTable.fromParts(image.values);
    values.valueOf = image.valueOf;
    values.holderOf = image.holderOf;
    values.earlierHolder = image.earlierHolder;
    return values;
  }

  image(field: IndexedField, clients: number): FieldImage {
    return {
      field,
      values: this.keys.parts(),
      valueOf: this.valueOf.subarray(0, Math.min(clients, this.valueOf.length)),
      holderOf: this.holderOf.subarray(0, this.keys.size),
      earlierHolder: this.earlierHolder.subarray(0, Math.min(clients, this.earlierHolder.length)),
    };
  }

  reserve(clients: number): void {
    this.keys.reserve(clients);
    if (clients > this.valueOf.length) this.valueOf = grown(this.valueOf, clients, none);
    if (clients > this.holderOf.length) this.holderOf = grown(this.holderOf, clients, none);
  }

  keyOf(client: number): string | null {
    const value = client < this.valueOf.length ? this.valueOf[client] : none;
    return value === none ? null : this.keys.key(value);
  }

  /** The clients holding the value `key`, in the order they took it. */
  holders(key: string): number[] {
    const value = this.keys.find(key);
    if (value === -1) return [];
    const holders: number[] = [];
    for (let client = this.holderOf[value]; client !== none; client = this.earlier(client)) holders.push(client);
    return holders.reverse();
  }

  set(client: number, key: string): void {
    const value = this.keys.add(key);
    if (client >= this.valueOf.length) this.valueOf = grown(this.valueOf, client + 1, none);
    if (value >= this.holderOf.length) this.holderOf = grown(this.holderOf, value + 1, none);
    const previous = this.valueOf[client];
    if (previous === value) return;
    if (previous !== none) this.release(previous, client);
    this.valueOf[client] = value;
    this.setEarlier(client, this.holderOf[value]);
    this.holderOf[value] = client;
  }

  private release(value: number, client: number): void {
    if (this.holderOf[value] === client) this.holderOf[value] = this.earlier(client);
    else {
      let later = this.holderOf[value];
      while (this.earlier(later) !== client) later = this.earlier(later);
      this.setEarlier(later, this.earlier(client));
    }
    this.setEarlier(client, none);
  }

  private earlier(client: number): number {
    return client < this.earlierHolder.length ? this.earlierHolder[client] : none;
  }

  private setEarlier(client: number, earlier: number): void {
    if (client >= this.earlierHolder.length) {
      if (earlier === none) return;
      this.earlierHolder = grown(this.earlierHolder, client + 1, none);
    }
    this.earlierHolder[client] = earlier;
  }
}

// Names and references compare without regard to case or spaces; identifiers are already normalised.
function valueKey(field: IndexedField, value: string): string {
  return field === "Name" || field === "InternalReference" ? compareKey(value) : value;
}
