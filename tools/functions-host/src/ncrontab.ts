import { HostStartupError } from "./hostStartupError";

const names: Record<string, number> = {
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** A six-field NCRONTAB schedule (`second minute hour day month day-of-week`), in UTC as Azure runs it. */
export class NcrontabSchedule {
  private readonly fields: Set<number>[];

  constructor(readonly expression: string) {
    const parts = expression.trim().split(/\s+/);
    if (parts.length !== 6) {
      throw new HostStartupError(
        `Timer schedule "${expression}" must have six fields: second minute hour day month day-of-week`,
      );
    }
    const ranges: [number, number][] = [
      [0, 59],
      [0, 59],
      [0, 23],
      [1, 31],
      [1, 12],
      [0, 6],
    ];
    this.fields = parts.map((part, i) => parseField(part, ranges[i][0], ranges[i][1], expression));
  }

  /** The first occurrence strictly after `after`. */
  next(after: Date): Date {
    const [seconds, minutes, hours, days, months, weekdays] = this.fields;
    const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
    const limit = after.getTime() + 5 * 366 * 24 * 3600 * 1000;
    while (t.getTime() < limit) {
      if (!months.has(t.getUTCMonth() + 1)) {
        t.setUTCMonth(t.getUTCMonth() + 1, 1);
        t.setUTCHours(0, 0, 0);
      } else if (!days.has(t.getUTCDate()) || !weekdays.has(t.getUTCDay())) {
        t.setUTCDate(t.getUTCDate() + 1);
        t.setUTCHours(0, 0, 0);
      } else if (!hours.has(t.getUTCHours())) {
        t.setUTCHours(t.getUTCHours() + 1, 0, 0);
      } else if (!minutes.has(t.getUTCMinutes())) {
        t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
      } else if (!seconds.has(t.getUTCSeconds())) {
        t.setUTCSeconds(t.getUTCSeconds() + 1);
      } else {
        return t;
      }
    }
    throw new HostStartupError(`Timer schedule "${this.expression}" never fires`);
  }
}

function parseField(field: string, min: number, max: number, expression: string): Set<number> {
  const values = new Set<number>();
  const value = (text: string) => {
    const n = names[text.toLowerCase()] ?? (/^\d+$/.test(text) ? Number(text) : NaN);
    if (!(n >= min && n <= max))
      throw new HostStartupError(`Timer schedule "${expression}": "${text}" is not in ${min}-${max}`);
    return n;
  };
  for (const item of field.split(",")) {
    const [range, stepText] = item.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new HostStartupError(`Timer schedule "${expression}": bad step in "${item}"`);
    let [from, to] = [min, max];
    if (range !== "*") {
      const [a, b] = range.split("-");
      from = value(a);
      to = b === undefined ? (stepText === undefined ? from : max) : value(b);
    }
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}
