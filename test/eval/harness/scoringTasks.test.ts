/**
 * The log-likelihood tasks through the whole harness on a native model (the 24-token-context scoring oracle
 * model, so every prompt is cut from the left): multiple-choice variants report acc and acc_norm with
 * per-choice log-likelihoods in the samples and truncation counted in results.json; a perplexity file reports
 * word/byte perplexity and bits per byte; a rerun is answered from the cache; a backend that cannot score is
 * refused by name; missing data and few-shot without a train split skip the task with the reason, and a run
 * where nothing can run fails.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createNativeLM } from "../../../src/eval/backends/createNativeLM.js";
import { createConstantLM } from "../../../src/eval/backends/testBackends.js";
import { evaluate } from "../../../src/eval/run/evaluate.js";
import type { SampleRecord } from "../../../src/eval/run/ResultsJson.js";
import { FIXTURE_DATA } from "../tasks/taskFixtures.js";
import { writeScoringOracleModel } from "../scoring/scoringOracleModel.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-scoring-tasks-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const model = join(dir, "model");
writeScoringOracleModel(model);
const text = join(dir, "notes.jsonl");
writeFileSync(text, `${JSON.stringify({ text: "The patient has a fever and a cough." })}\n${JSON.stringify({ text: "Blood pressure was normal. Follow up in two weeks with the clinic." })}\n`);

test("mednli_mc, bionli_mc and a perplexity file on a native model: metrics, samples, truncation, cache", async () => {
    const out = join(dir, "runs");
    const lm = await createNativeLM(model, { kernels: "reference", threads: 1 });
    const run = () => evaluate({ lm, tasks: ["mednli_mc", "bionli_mc", "perplexity"], outputDir: out, dataDir: FIXTURE_DATA,
        taskPaths: { perplexity: text }, progress: false, report: true });
    const { runDir, results } = await run();
    for (const [task, nChoices] of [["mednli_mc", 3], ["bionli_mc", 2]] as const) {
        const row = results.results[task]!;
        for (const metric of ["acc", "acc_norm"]) {
            const v = row[`${metric},none`] as number;
            assert.ok(v >= 0 && v <= 1, `${task} ${metric} = ${v}`);
        }
        assert.equal(results.configs[task]!.output_type, "multiple_choice");
        const samples = readFileSync(join(runDir, `samples_${task}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l) as SampleRecord);
        assert.equal(samples.length, results["n-samples"][task]!.effective);
        for (const s of samples) {
            assert.equal(s.error, null);
            const lls = s.loglikelihoods!;
            assert.equal(lls.length, nChoices, "one log-likelihood per choice");
            const best = lls.indexOf(Math.max(...lls));
            assert.equal(s.scores.acc, s.parsed === s.gold ? 1 : 0);
            assert.ok(lls[best]! >= lls[0]! && Number.isFinite(lls[best]!));
        }
        assert.equal(results.truncated![task], samples.length, "every prompt is longer than 24 tokens");
    }
    const ppl = results.results.perplexity!;
    assert.ok((ppl["word_perplexity,none"] as number) > 1 && (ppl["bits_per_byte,none"] as number) > 0);
    assert.equal(results.higher_is_better.perplexity!.word_perplexity, false);
    assert.equal(results["n-samples"].perplexity!.effective, 2);
    const again = await run();
    for (const task of ["mednli_mc", "bionli_mc", "perplexity"]) {
        assert.equal(again.results.timings[task]!.requested, 0, `${task}: answered from the cache`);
        assert.deepEqual(again.results.results[task], results.results[task]);
    }
    await lm.dispose?.();
});

test("a backend without log-likelihoods is refused by name; missing data and few-shot without train skip the task", async () => {
    const out = join(dir, "runs-skip");
    await assert.rejects(evaluate({ lm: createConstantLM("yes"), tasks: ["mednli_mc"], outputDir: out, dataDir: FIXTURE_DATA, progress: false }),
        /cannot score log-likelihoods \(loglikelihood\), which task mednli_mc needs/);
    const { results } = await evaluate({ lm: createConstantLM("entailment"), tasks: ["mednli", "medqa"], outputDir: out,
        dataDir: FIXTURE_DATA, progress: false, report: false });
    assert.deepEqual(Object.keys(results.results), ["mednli"]);
    assert.match(results.skipped!.medqa!, /task medqa: no data at .*medqa/);
    await assert.rejects(evaluate({ lm: createConstantLM("x"), tasks: ["mednli"], numFewshot: 2, outputDir: out, dataDir: FIXTURE_DATA, progress: false }),
        /no task could be evaluated: mednli: no train split to draw 2-shot examples from/);
});
