/**
 * Generative tasks count the prompts cut from the left to fit the window as the log-likelihood tasks do: per
 * task in results.json `truncated` and per sample, in report.html, in the terminal table and on stderr; a rerun
 * answered from the cache counts the same prompts; the cut itself keeps BOS and the prompt's end.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createNativeLM, fitPrompt } from "../../../src/eval/backends/createNativeLM.js";
import { evaluate } from "../../../src/eval/run/evaluate.js";
import { formatResultsTable } from "../../../src/eval/run/formatResultsTable.js";
import type { SampleRecord } from "../../../src/eval/run/ResultsJson.js";
import { FIXTURE_DATA } from "../tasks/taskFixtures.js";
import { writeScoringOracleModel } from "../scoring/scoringOracleModel.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-gen-trunc-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("fitPrompt: room for min(maxTokens, window - 2) new tokens; a longer prompt keeps BOS and its end", () => {
    const ids = [1, 10, 11, 12, 13, 14];
    assert.deepEqual(fitPrompt(ids, 8, 2), { ids, truncated: false }, "6 prompt + 2 new = 8 fits");
    assert.deepEqual(fitPrompt(ids, 8, 3), { ids: [1, 11, 12, 13, 14], truncated: true });
    assert.deepEqual(fitPrompt(ids, 8, 100), { ids: [1, 14], truncated: true }, "maxTokens beyond the window keeps 2 prompt ids");
});

test("a generative task on a 24-token model: every prompt counted as truncated, in results, samples, report and table, also from the cache", async () => {
    const model = join(dir, "model");
    writeScoringOracleModel(model);
    const lm = await createNativeLM(model, { kernels: "reference", threads: 1 });
    const out = join(dir, "runs");
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => { written.push(String(chunk)); return true; }) as typeof process.stderr.write;
    let first: Awaited<ReturnType<typeof evaluate>>;
    let again: Awaited<ReturnType<typeof evaluate>>;
    try {
        const run = () => evaluate({ lm, tasks: ["mednli"], outputDir: out, dataDir: FIXTURE_DATA, maxTokens: 2, progress: false, report: true });
        first = await run();
        again = await run();
    } finally {
        process.stderr.write = write;
        await lm.dispose?.();
    }
    const n = first.results["n-samples"].mednli!.effective;
    assert.ok(n > 0);
    assert.equal(first.results.truncated?.mednli, n, "every Me-LLaMA MedNLI prompt is longer than 24 tokens");
    const samples = readFileSync(join(first.runDir, "samples_mednli.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as SampleRecord);
    assert.ok(samples.every((s) => s.truncated === true));
    assert.match(readFileSync(join(first.runDir, "report.html"), "utf8"), new RegExp(`mednli: ${n} prompt\\(s\\) cut from the left`));
    assert.match(formatResultsTable(first.results), new RegExp(`truncated mednli: ${n} prompt\\(s\\) cut from the left`));
    assert.equal(written.filter((l) => /eval mednli: \d+ prompt\(s\) longer than the model's window/.test(l)).length, 2, "warned on both runs");
    assert.equal(again.results.timings.mednli!.requested, 0, "the rerun is answered from the cache");
    assert.equal(again.results.truncated?.mednli, n, "and counts the same prompts");
});
