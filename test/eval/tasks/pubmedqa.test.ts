import assert from "node:assert/strict";
import { test } from "node:test";
import { dataDir } from "../../../src/util/dataDir.js";
import { getTask } from "../../../src/eval/tasks/registry.js";
import { skipWithoutData } from "./taskFixtures.js";

test("pubmedqa loads the 500 official test questions and scores an oracle 1.0", { skip: skipWithoutData("pubmedqa") }, async () => {
    const task = getTask("pubmedqa");
    const docs = await task.loadDocs({ dataDir: dataDir(), onError: "fail" });
    assert.equal(docs.length, 500);
    const counts = { yes: 0, no: 0, maybe: 0 } as Record<string, number>;
    for (const doc of docs) {
        counts[doc.answer]!++;
    }
    assert.deepEqual(counts, { yes: 276, no: 169, maybe: 55 });
    assert.ok(docs[0]!.query.startsWith("As an expert doctor in clinical science"));
    assert.ok(docs[0]!.query.endsWith("\nThe answer is:\n"));
    for (const scoring of ["paper", "strict"] as const) {
        const samples = docs.map((doc) => task.processResult(doc, ` ${doc.answer.toUpperCase()}.`, scoring));
        const metrics = task.aggregate(docs, samples, scoring);
        assert.equal(metrics.acc!.value, 1);
        assert.equal(metrics.macro_f1!.value, 1);
    }
});
