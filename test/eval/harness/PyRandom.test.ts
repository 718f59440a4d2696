import assert from "node:assert/strict";
import { test } from "node:test";
import { PyRandom } from "../../../src/eval/run/PyRandom.js";
import { orderDocs } from "../../../src/eval/run/buildPrompts.js";
import type { Doc } from "../../../src/eval/api/Task.js";

// Recorded from CPython 3: `a = list(range(n)); random.Random(42).shuffle(a)`.
test("PyRandom(42).shuffle equals CPython's random.Random(42).shuffle", () => {
    const a = Array.from({ length: 20 }, (_, i) => i);
    assert.deepEqual(new PyRandom(42).shuffle(a), [19, 5, 14, 4, 9, 13, 15, 18, 6, 12, 17, 10, 1, 11, 2, 16, 7, 8, 0, 3]);
    const b = Array.from({ length: 1000 }, (_, i) => i);
    assert.deepEqual(new PyRandom(42).shuffle(b).slice(0, 10), [776, 507, 895, 922, 33, 483, 85, 750, 354, 523]);
});

test("--limit keeps a prefix of the seeded order, which depends only on the doc list", () => {
    const docs: Doc[] = Array.from({ length: 30 }, (_, i) => ({ id: `d${i}`, query: `q${i}`, answer: "a", choices: [], gold: -1 }));
    const all = orderDocs(docs).map((d) => d.id);
    assert.deepEqual(orderDocs(docs, 7).map((d) => d.id), all.slice(0, 7));
    assert.deepEqual(orderDocs(docs).map((d) => d.id), all);
    assert.notDeepEqual(all, docs.map((d) => d.id));
});
