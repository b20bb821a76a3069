import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ClientIndex } from "../../shared/clients/clientIndex";
import { compareKey } from "../../shared/clients/clientKeys";
import { ClientWrite } from "../../shared/clients/clientStore";
import { KeyTable } from "../../shared/clients/keyTable";

// Few distinct letters, so generated keys collide, repeat and differ only in case or spaces often.
const key = fc.string({ unit: fc.constantFrom("a", "B", " ", "é", "€", "😀"), maxLength: 6 });

describe("KeyTable", () => {
  it("numbers distinct strings in order of first addition and finds exactly those, with room reserved or not", () => {
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 3_000 }),
        fc.array(key, { maxLength: 50 }),
        fc.nat(5_000),
        fc.nat(3_000),
        (added, probes, reserved, reserveAt) => {
          const table = new KeyTable();
          const model = new Map<string, number>();
          for (const [i, k] of added.entries()) {
            if (i === reserveAt) table.reserve(reserved);
            if (!model.has(k)) model.set(k, model.size);
            expect(table.add(k)).toBe(model.get(k));
          }
          expect(table.size).toBe(model.size);
          for (const [k, n] of model) expect(table.key(n)).toBe(k);
          for (const k of probes) expect(table.find(k)).toBe(model.get(k) ?? -1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps long keys and many keys intact across growth", () => {
    const table = new KeyTable();
    const keys = Array.from({ length: 50_000 }, (_, i) => `${"x".repeat(i % 300)}${i}`);
    keys.forEach((k, i) => expect(table.add(k)).toBe(i));
    keys.forEach((k, i) => expect(table.find(k)).toBe(i));
    expect(table.key(49_999)).toBe(keys[49_999]);
  });
});

describe("ClientIndex.sameNumberCode", () => {
  const digits = fc.string({ unit: fc.constantFrom("0", "0", "1", "2"), minLength: 1, maxLength: 6 });
  it("finds a client whose code is the same number with other leading zeros exactly when one exists, also after a snapshot", () => {
    fc.assert(
      fc.property(
        fc.array(digits, { maxLength: 40 }),
        fc.array(digits, { maxLength: 10 }),
        fc.array(digits, { maxLength: 20 }),
        (before, after, probes) => {
          let index = new ClientIndex([]);
          const add = (code: string) =>
            index.recordWrite({ kind: "create", values: { Code: code, Name: "N" }, at: "" });
          before.forEach(add);
          // Asked once before the snapshot, so the copy must learn again what the first knew.
          index.sameNumberCode("1");
          index = ClientIndex.fromImage(index.image());
          // Asked again before more codes come, so it must keep what it learnt current.
          index.sameNumberCode("1");
          after.forEach(add);
          const stored = [...new Set([...before, ...after])];
          const number = (code: string) => code.replace(/^0+/, "");
          for (const probe of probes) {
            const found = index.sameNumberCode(probe);
            const expected = stored.filter((c) => c !== probe && number(c) === number(probe) && number(c) !== "");
            if (expected.length === 0) expect(found).toBeNull();
            else expect(expected).toContain(found);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** The index as plain maps: what ClientIndex must answer, however it stores it. */
class ModelIndex {
  private readonly codes = new Map<string, string>();
  private readonly names = new Map<string, string>();
  recordWrite(write: ClientWrite): void {
    const code = write.kind === "create" ? write.values.Code : write.code;
    if (write.kind === "create") this.codes.set(compareKey(code), code);
    else if (!this.codes.has(compareKey(code))) return;
    if (typeof write.values.Name === "string") this.names.set(compareKey(code), compareKey(write.values.Name));
  }
  find(field: "Code" | "Name", value: string): string[] {
    if (field === "Code") return this.codes.has(compareKey(value)) ? [this.codes.get(compareKey(value))!] : [];
    return [...this.names]
      .filter(([, name]) => name === compareKey(value))
      .map(([codeKey]) => this.codes.get(codeKey)!);
  }
}

describe("ClientIndex", () => {
  const write: fc.Arbitrary<ClientWrite> = fc.oneof(
    fc.record({
      kind: fc.constant("create" as const),
      values: fc.record({ Code: key, Name: key }),
      at: fc.constant(""),
    }),
    fc.record({
      kind: fc.constant("update" as const),
      code: key,
      values: fc.option(fc.record({ Name: key }), { nil: {} }),
      at: fc.constant(""),
    }),
  );

  it("finds by code and by name exactly what a plain map would, through creates, renames and updates of unknown codes", () => {
    fc.assert(
      fc.property(
        fc.array(write, { maxLength: 300 }),
        fc.array(key, { maxLength: 20 }),
        fc.nat(2_000),
        fc.boolean(),
        (writes, probes, reserved, reservingNames) => {
          const index = new ClientIndex(["Name"]);
          // With room for names or without: a field an import's rows do not set reserves nothing.
          index.reserve(reserved, reservingNames ? ["Name"] : []);
          const model = new ModelIndex();
          for (const w of writes) {
            index.recordWrite(w);
            model.recordWrite(w);
          }
          for (const probe of probes) {
            expect(index.find("Code", probe)).toEqual(model.find("Code", probe));
            expect(index.find("Name", probe).sort()).toEqual(model.find("Name", probe).sort());
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("generated codes (ClientIndex.unusedCode)", () => {
  it("give the first free code of base, base2, base3... whatever codes other rows took in between", () => {
    const op = fc.oneof(
      // A generated code is not always used: the row may turn out to be an error.
      fc.record({ generate: fc.constantFrom("CLIENT", "ACME", "ZOE"), used: fc.boolean() }),
      fc.record({ take: fc.constantFrom("CLIENT", "client2", "CLIENT 3", "CLIENT5", "ACME", "ACME2", "ZOE10") }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const index = new ClientIndex([]);
        const taken = new Set<string>();
        const take = (code: string) => {
          taken.add(compareKey(code));
          index.recordWrite({ kind: "create", values: { Code: code, Name: code }, at: "" });
        };
        for (const step of ops) {
          if ("take" in step) {
            if (!taken.has(compareKey(step.take))) take(step.take);
            continue;
          }
          let expected: string = step.generate;
          for (let n = 2; taken.has(expected); n++) expected = `${step.generate}${n}`;
          expect(index.unusedCode(step.generate)).toBe(expected);
          if (step.used) take(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("also avoid the codes each import reserves, and an index kept from an earlier import generates what a fresh one would", () => {
    const base = fc.constantFrom("CLIENT", "ACME");
    const code = fc.constantFrom("CLIENT", "CLIENT2", "client 3", "CLIENT4", "ACME", "ACME2", "ACME3");
    const op = fc.oneof(fc.record({ generate: base, used: fc.boolean() }), fc.record({ take: code }));
    // Each import reserves some codes and runs some steps on the index the one before it left.
    const imports = fc.array(fc.record({ reserved: fc.uniqueArray(code), ops: fc.array(op, { maxLength: 15 }) }), {
      maxLength: 5,
    });
    fc.assert(
      fc.property(imports, (runs) => {
        const kept = new ClientIndex([]);
        const taken = new Set<string>();
        for (const { reserved, ops } of runs) {
          const reservedKeys = new Set(reserved.map(compareKey));
          const reservation = { has: (c: string) => reservedKeys.has(compareKey(c)) };
          for (const step of ops) {
            if ("take" in step) {
              if (taken.has(compareKey(step.take))) continue;
              taken.add(compareKey(step.take));
              kept.recordWrite({ kind: "create", values: { Code: step.take, Name: "x" }, at: "" });
              continue;
            }
            let expected: string = step.generate;
            for (let n = 2; taken.has(expected) || reservedKeys.has(expected); n++) expected = `${step.generate}${n}`;
            const fresh = new ClientIndex([]);
            for (const held of taken) fresh.addClient(held, {});
            expect(kept.unusedCode(step.generate, reservation)).toBe(expected);
            expect(fresh.unusedCode(step.generate, reservation)).toBe(expected);
            if (step.used) {
              taken.add(expected);
              kept.recordWrite({ kind: "create", values: { Code: expected, Name: "x" }, at: "" });
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
