/**
 * `mellama eval --bertscore-model DIR` computes bert_score_f1 for the summarization tasks with the real encoder
 * (the tiny random BERT fixture); without it results.json names the metric as not computed and the terminal
 * table says so, never a number. A task whose data is missing is skipped with its reason while the rest run.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { ResultsJson } from "../../../src/eval/run/ResultsJson.js";
import { runCli } from "../../helpers/runCli.js";
import { FIXTURE_DATA } from "../tasks/taskFixtures.js";

const bert = fileURLToPath(new URL("../../fixtures/eval/bertscore/tiny-bert", import.meta.url));

function results(out: string): ResultsJson {
    const [run] = readdirSync(out).filter((d) => !d.startsWith("."));
    return JSON.parse(readFileSync(join(out, run!, "results.json"), "utf8")) as ResultsJson;
}

test("eval --bertscore-model: a number from the encoder; without it: not computed; missing data: skipped", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-bertscore-cli-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const base = ["eval", "--model", "constant:the patient has a fever", "--data", FIXTURE_DATA, "--limit", "3"];
    const withBert = runCli([...base, "--tasks", "pubmedsum", "--output", join(dir, "a"), "--bertscore-model", bert, "--bertscore-layer", "2"], { MELLAMA_QUIET: "1" });
    assert.equal(withBert.status, 0, withBert.stderr);
    const a = results(join(dir, "a"));
    const f1 = a.results.pubmedsum!["bert_score_f1,none"];
    assert.ok(typeof f1 === "number" && f1 > -1 && f1 <= 1, String(f1));
    assert.equal(a.not_computed, undefined);
    const without = runCli([...base, "--tasks", "pubmedsum,medqa", "--output", join(dir, "b")], { MELLAMA_QUIET: "1", MELLAMA_DATA: FIXTURE_DATA });
    assert.equal(without.status, 0, without.stderr);
    const b = results(join(dir, "b"));
    assert.equal(b.results.pubmedsum!["bert_score_f1,none"], undefined);
    assert.match(b.not_computed!.pubmedsum!.bert_score_f1!, /--bertscore-model/);
    assert.match(without.stderr, /pubmedsum\s+bert_score_f1\s+not computed/);
    assert.match(b.skipped!.medqa!, /no data at/);
    assert.match(without.stderr, /skipped medqa: task medqa: no data at/);
    const nothing = runCli([...base, "--tasks", "medqa", "--output", join(dir, "c")], { MELLAMA_QUIET: "1" });
    assert.notEqual(nothing.status, 0);
    assert.match(nothing.stderr, /no task could be evaluated: medqa/);
});
