import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createOracleLM } from "../../../src/eval/backends/testBackends.js";
import { evaluate } from "../../../src/eval/run/evaluate.js";
import type { SampleRecord } from "../../../src/eval/run/ResultsJson.js";
import { getTask, TASK_NAMES } from "../../../src/eval/tasks/registry.js";
import { dataDirFor, skipWithoutData } from "../tasks/taskFixtures.js";

// The paper parsers cannot score an exact answer 1.0 on these two (MTSample substring shadowing, EmrQA's
// per-character set F1; see test/eval/tasks/oracle.test.ts), so they go through strict scoring here.
const STRICT = new Set(["mtsample", "emrqa"]);

for (const name of TASK_NAMES) {
    test(`${name}: the oracle backend scores 1.0 through the harness (few-shot, wrapper, cache, outputs)`, { skip: skipWithoutData(name) }, async (t) => {
        const out = mkdtempSync(join(tmpdir(), "mellama-eval-"));
        t.after(() => rmSync(out, { recursive: true, force: true }));
        const { runDir, results } = await evaluate({
            lm: (docs) => createOracleLM(docs), tasks: [name], outputDir: out, dataDir: dataDirFor(name), limit: 150,
            numFewshot: getTask(name).loadTrainDocs === undefined ? 0 : 1, modelPrompt: "mellama_prompt", scoring: STRICT.has(name) ? "strict" : "paper", progress: false,
        });
        const row = results.results[name]!;
        for (const metric of getTask(name).reportedMetrics.filter((m) => m !== "bert_score_f1")) {
            assert.equal(row[`${metric},none`], 1, `${name} ${metric}`);
        }
        assert.equal(results.failures[name]!.count, 0);
        assert.equal(results.config.model_prompt, "mellama_prompt");
        const samples = readFileSync(join(runDir, `samples_${name}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l) as SampleRecord);
        assert.equal(samples.length, results["n-samples"][name]!.effective);
        assert.ok(samples.every((s) => s.prompt.startsWith("Human: \n") && s.error === null && !s.cached));
        assert.ok(existsSync(join(runDir, "report.html")));
    });
}
