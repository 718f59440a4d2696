import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { lmFromGenerator } from "../../../src/eval/backends/lmFromGenerator.js";
import { evaluate, EvalFailedError } from "../../../src/eval/run/evaluate.js";
import type { SampleRecord } from "../../../src/eval/run/ResultsJson.js";
import { FIXTURE_DATA } from "../tasks/taskFixtures.js";

// MedNLI fixture docs (hand-made, in the repository): the run needs no shared data.
const TASK = "mednli";

function tempDir(t: { after(fn: () => void): void }): string {
    const dir = mkdtempSync(join(tmpdir(), "mellama-fail-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
}

test("a backend that throws, hangs or returns a non-string yields failed samples and a finished run; a rerun retries only those", async (t) => {
    const out = tempDir(t);
    let call = 0;
    const calls: string[] = [];
    const flaky = lmFromGenerator("flaky", (prompt) => {
        calls.push(prompt);
        const kind = call++ % 4;
        if (kind === 1) {
            return Promise.reject(new Error("backend exploded"));
        }
        if (kind === 2) {
            return new Promise<string>(() => undefined); // never answers: the timeout must end it
        }
        if (kind === 3) {
            return Promise.resolve(42 as unknown as string);
        }
        return Promise.resolve("entailment");
    }, { timeoutMs: 50, concurrency: 4 });
    const first = await evaluate({ lm: flaky, tasks: [TASK], outputDir: out, dataDir: FIXTURE_DATA, progress: false });
    const n = first.results["n-samples"][TASK]!;
    assert.ok(n.effective >= 4, `fixture has ${n.effective} docs`);
    const failures = first.results.failures[TASK]!;
    assert.equal(failures.count, n.effective - Math.ceil(n.effective / 4));
    assert.ok(failures.examples.some((e) => e.error.includes("timed out")));
    assert.ok(failures.examples.some((e) => e.error.includes("backend exploded")));
    assert.ok(failures.examples.every((e) => !calls.some((p) => e.error.includes(p))), "errors never quote prompts");
    const samples = readFileSync(join(first.runDir, `samples_${TASK}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l) as SampleRecord);
    assert.equal(samples.filter((s) => s.error !== null && s.output === null).length, failures.count);
    assert.ok(readFileSync(join(first.runDir, "report.html"), "utf8").includes("Failed requests"));

    // The answered ones were cached: a working backend is asked only for the failed ones, into a new run dir.
    const asked: string[] = [];
    const good = lmFromGenerator("flaky", (prompt) => { asked.push(prompt); return Promise.resolve("entailment"); });
    const second = await evaluate({ lm: good, tasks: [TASK], outputDir: out, dataDir: FIXTURE_DATA, progress: false });
    assert.notEqual(second.runDir, first.runDir);
    assert.equal(asked.length, failures.count);
    assert.equal(second.results.failures[TASK]!.count, 0);
    assert.equal(second.results.timings[TASK]!.cached, n.effective - failures.count);
});

test("--on-error fail stops the run with a typed error naming the task and the doc, not the prompt", async (t) => {
    const out = tempDir(t);
    const broken = lmFromGenerator("broken", () => Promise.reject(new Error("HTTP 503")));
    await assert.rejects(evaluate({ lm: broken, tasks: [TASK], outputDir: out, dataDir: FIXTURE_DATA, onError: "fail", progress: false }),
        (e: Error) => e instanceof EvalFailedError && e.message.includes("task mednli") && e.message.includes("HTTP 503"));
});
