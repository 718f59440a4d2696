import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse as parseCsv } from "csv-parse/sync";
import { writeSampleData } from "../../src/recipe/writeSampleData.js";

test("writes the sample set deterministically in the public data's layouts", () => {
    const a = mkdtempSync(join(tmpdir(), "sample-"));
    const b = mkdtempSync(join(tmpdir(), "sample-"));
    const sizes = writeSampleData(a);
    writeSampleData(b);
    for (const file of ["pubmedqa/ori_pqal.json", "medqa/test.jsonl", "hoc/blue_split/test.tsv", "ddi2013/blurb_format/test.tsv", "mtsamples/mtsamples.csv", "wikitext2/test.txt"]) {
        assert.equal(readFileSync(join(a, file), "utf8"), readFileSync(join(b, file), "utf8"), file);
    }
    const truth = JSON.parse(readFileSync(join(a, "pubmedqa/test_ground_truth.json"), "utf8")) as Record<string, string>;
    const pqal = JSON.parse(readFileSync(join(a, "pubmedqa/ori_pqal.json"), "utf8")) as Record<string, { final_decision: string }>;
    assert.equal(Object.keys(truth).length, sizes.pubmedqa);
    for (const [pmid, decision] of Object.entries(truth)) {
        assert.equal(pqal[pmid]!.final_decision, decision);
    }
    const notes = parseCsv(readFileSync(join(a, "mtsamples/mtsamples.csv"), "utf8"), { columns: true }) as { transcription: string }[];
    assert.equal(notes.length, sizes.mtsamples);
    const ddi = readFileSync(join(a, "ddi2013/blurb_format/test.tsv"), "utf8").trim().split("\n");
    assert.ok(ddi.every((row) => row.split("\t").length === 3 && (row.match(/@DRUG\$/g) ?? []).length === 2));
});
