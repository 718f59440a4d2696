import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createOpenaiLM } from "../../../src/eval/backends/createOpenaiLM.js";
import { lmFromGenerator } from "../../../src/eval/backends/lmFromGenerator.js";
import { evaluate, EvalFailedError } from "../../../src/eval/run/evaluate.js";
import { DegenerateResultError } from "../../../src/errors/MellamaError.js";
import type { SampleRecord } from "../../../src/eval/run/ResultsJson.js";
import { startStub } from "../../fixtures/eval/harness/startStub.js";
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

test("openai backend: garbage bodies are retried and recovered, persistent 500s become failed samples, the run finishes", async (t) => {
    const out = tempDir(t);
    const stub = await startStub(["--garbage-every", "3", "--fail-every", "4"]);
    t.after(() => stub.stop());
    const lm = createOpenaiLM({ baseUrl: stub.url, retries: 2, backoffMs: 1, concurrency: 4 });
    const tasks = ["mednli", "bionli", "emrqa", "mimicsum", "pubmedsum"]; // the hand-made fixtures: ~20 prompts
    const { results, runDir } = await evaluate({ lm, tasks, outputDir: out, dataDir: FIXTURE_DATA, progress: false });
    const samples = tasks.flatMap((task) => readFileSync(join(runDir, `samples_${task}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l) as SampleRecord));
    const hash = (p: string): number => parseInt(createHash("sha256").update(p).digest("hex").slice(0, 8), 16);
    const failing = samples.filter((s) => hash(s.prompt) % 4 === 1);
    assert.ok(failing.length > 0 && failing.length < samples.length, `${failing.length} of ${samples.length} fail`);
    assert.ok(samples.some((s) => hash(s.prompt) % 4 !== 1 && hash(s.prompt) % 3 === 0), "some prompt got garbage first");
    assert.equal(tasks.reduce((n, task) => n + results.failures[task]!.count, 0), failing.length);
    assert.ok(failing.every((s) => s.error !== null && /HTTP 500.*after 2 retries/.test(s.error)));
    assert.ok(samples.filter((s) => hash(s.prompt) % 4 !== 1).every((s) => s.error === null && s.output !== null));
    const hits = await stub.hits();
    for (const s of samples) {
        const h = hash(s.prompt);
        const expected = h % 4 === 1 ? 3 : h % 3 === 0 ? 2 : 1;
        assert.equal(hits[createHash("sha256").update(s.prompt).digest("hex")], expected);
    }
});

test("a task whose every request failed is an error, not a result; the run is kept for inspection", async (t) => {
    const out = tempDir(t);
    const down = lmFromGenerator("down", () => Promise.reject(new Error("connection refused")), { concurrency: 4 });
    await assert.rejects(evaluate({ lm: down, tasks: [TASK], outputDir: out, dataDir: FIXTURE_DATA, limit: 4, progress: false }),
        (e: unknown) => e instanceof DegenerateResultError && e.exitCode === 1 && new RegExp(`every request failed for ${TASK}`).test(e.message));
});
