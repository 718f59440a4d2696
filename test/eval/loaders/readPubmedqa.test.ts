/** PubMedQA records come in the source files' order (the paper's harness iterates them so), not sorted by PMID. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readPubmedqa } from "../../../src/eval/loaders/readPubmedqa.js";

test("test split in test_ground_truth.json's order, train in ori_pqal.json's", () => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-pqa-"));
    try {
        const entry = (d: string): object => ({ QUESTION: "q?", CONTEXTS: ["c"], final_decision: d });
        writeFileSync(join(dir, "ori_pqal.json"), `{"30": ${JSON.stringify(entry("yes"))}, "4": ${JSON.stringify(entry("no"))}, `
            + `"200": ${JSON.stringify(entry("maybe"))}, "15": ${JSON.stringify(entry("no"))}}`);
        writeFileSync(join(dir, "test_ground_truth.json"), "{\"200\": \"maybe\", \"4\": \"no\"}");
        const ignore = (): void => undefined;
        assert.deepEqual(readPubmedqa(join(dir, "ori_pqal.json"), ignore, "test").map((r) => r.pmid), ["200", "4"]);
        assert.deepEqual(readPubmedqa(join(dir, "ori_pqal.json"), ignore, "train").map((r) => r.pmid), ["30", "15"]);
        assert.deepEqual(readPubmedqa(join(dir, "ori_pqal.json"), ignore, "all").map((r) => r.pmid), ["30", "4", "200", "15"]);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
