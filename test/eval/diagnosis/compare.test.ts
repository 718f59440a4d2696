import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { DiagnosisComparison } from "../../../src/eval/judges/compareDiagnosisRuns.js";
import { mcnemarCounts } from "../../../src/eval/metrics/mcnemar.js";
import type { SampleRecord } from "../../../src/eval/run/ResultsJson.js";
import { runCli } from "../../helpers/runCli.js";
import { makeReviewPack } from "./reviewFixture.js";

test("mellama diagnosis compare: per-K accuracies, McNemar counts and p-values from the two runs' known ranks; paired CI contains the difference", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-compare-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const { runs } = await makeReviewPack(dir, 1);
    const r = runCli(["diagnosis", "compare", runs[0]!, runs[1]!, "--out", dir], { MELLAMA_QUIET: "1" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /match top-1 {2}A /);
    const c = JSON.parse(readFileSync(join(dir, "diagnosis_comparison.json"), "utf8")) as DiagnosisComparison;
    assert.deepEqual(c.judges.map((j) => j.judge), ["match", "llm"]);
    // The scripted models (reviewFixture): A has the gold at rank n % 4 + 1, B at n % 3 + 2 or not at all when n % 3 = 0.
    const ids = readFileSync(join(runs[0]!, "samples_diagnosis.jsonl"), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as SampleRecord).doc_id);
    const n = ids.map((id) => Number(id.split("-").pop()));
    const rankA = n.map((x) => (x % 4) + 1);
    const rankB = n.map((x) => (x % 3 === 0 ? 0 : (x % 3) + 2));
    for (const j of c.judges) {
        assert.equal(j.cases, ids.length);
        for (const row of j.rows) {
            const inA = rankA.map((x) => x > 0 && x <= row.k);
            const inB = rankB.map((x) => x > 0 && x <= row.k);
            const b = inA.filter((x, i) => x && !inB[i]).length;
            const cc = inA.filter((x, i) => !x && inB[i]).length;
            assert.equal(row.accuracyA, inA.filter(Boolean).length / ids.length, `${j.judge} top-${row.k} A`);
            assert.equal(row.accuracyB, inB.filter(Boolean).length / ids.length, `${j.judge} top-${row.k} B`);
            assert.deepEqual(row.mcnemar, mcnemarCounts(b, cc));
            assert.ok(row.differenceLow <= row.difference + 1e-12 && row.difference <= row.differenceHigh + 1e-12);
        }
    }
    const page = readFileSync(join(dir, "diagnosis_comparison.html"), "utf8");
    assert.match(page, /A: model-a[\s\S]*B: model-b/);
    assert.equal((page.match(/<svg class="chart curve"/g) ?? []).length, 2);
    // Recorded in both runs, from each one's side, and shown in their reports.
    const details = (run: string): { comparisons: { other: string; this_is: string }[] } =>
        (JSON.parse(readFileSync(join(run, "results.json"), "utf8")) as { details: { diagnosis: { comparisons: { other: string; this_is: string }[] } } }).details.diagnosis;
    assert.deepEqual(details(runs[0]!).comparisons.map((x) => [x.other, x.this_is]), [[runs[1], "a"]]);
    assert.deepEqual(details(runs[1]!).comparisons.map((x) => [x.other, x.this_is]), [[runs[0], "b"]]);
    assert.match(readFileSync(join(runs[1]!, "report.html"), "utf8"), /Paired comparison with model-a/);
    const again = runCli(["diagnosis", "compare", runs[0]!, runs[1]!, "--out", dir], { MELLAMA_QUIET: "1" });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(details(runs[0]!).comparisons.length, 1, "a repeated comparison replaces its entry");
});
