/** Malformed CSV records are named by file and line, skipped or fatal by the caller's policy, and never quoted. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError } from "../../src/errors/MellamaError.js";
import { parseCsv } from "../../src/util/parseCsv.js";

const CANARY = "CANARY-PATIENT-ZQ81";
const text = `id,note\n1,fine\n2,a "bad ${CANARY}" quote\n3,"unterminated ${CANARY}\n`;

test("skip: each bad record (a stray quote, an unclosed one at the end) is reported by line, never quoted, and left out", () => {
    const bad: string[] = [];
    const rows = parseCsv("notes.csv", text, {}, (line, reason) => bad.push(`${line}: ${reason}`));
    assert.deepEqual(rows.map((r) => r.record.id), ["1"]);
    assert.deepEqual(bad, ["3: malformed CSV record (INVALID_OPENING_QUOTE)", "4: malformed CSV record (CSV_QUOTE_NOT_CLOSED)"]);
});

test("fail: the first bad record throws from the caller's handler, after parsing", () => {
    assert.throws(() => parseCsv("notes.csv", `id,note\n1,a "bad ${CANARY}"\n`, {}, (line, reason) => {
        throw new FormatError("notes.csv", `line ${line}`, reason);
    }), (e: unknown) => e instanceof FormatError && /line 2: malformed CSV record/.test(e.message) && !e.message.includes(CANARY));
});
