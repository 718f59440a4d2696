/**
 * bench:eval — (1) harness overhead per sample with an instant in-process backend: loading docs, building prompts,
 * cache get+put, parse+score, and the whole evaluate() (writing samples, results and report) per sample; target
 * < 1 ms. (2) Throughput against a local OpenAI stub (fixed 20 ms latency, server-side cap of 16 requests at once)
 * at concurrency 1, 8 and 32: samples/s of evaluate() through the openai backend vs an ideal client (a bare fetch
 * loop at the same concurrency, same prompts) measured alternately in the same run; medians of 3.
 * (3) Multiple choice by log-likelihood (bench/lib/mcScoring.ts): scored choices/s, native vs the llamacpp backend.
 * Uses the shared PubMedQA/MedQA/DDI data when present, else the MedNLI fixture.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Doc } from "../src/eval/api/Task.js";
import { createConstantLM } from "../src/eval/backends/testBackends.js";
import { createOpenaiLM } from "../src/eval/backends/createOpenaiLM.js";
import { requestHash, ResponseCache } from "../src/eval/cache/ResponseCache.js";
import { buildPrompts, orderDocs } from "../src/eval/run/buildPrompts.js";
import { evaluate } from "../src/eval/run/evaluate.js";
import { getTask } from "../src/eval/tasks/registry.js";
import { dataDir } from "../src/util/dataDir.js";
import type { BenchRow } from "./lib/benchResults.js";
import { median, writeBenchResults } from "./lib/benchResults.js";
import { startStub } from "../test/fixtures/eval/harness/startStub.js";
import { benchMultipleChoice } from "./lib/mcScoring.js";

process.env.MELLAMA_QUIET = "1";
const FIXTURES = fileURLToPath(new URL("../test/fixtures/eval/data/", import.meta.url));
const shared = existsSync(join(dataDir(), "ddi2013/blurb_format/test.tsv")) && existsSync(join(dataDir(), "medqa/test.jsonl"));
const TASKS = shared ? ["pubmedqa", "medqa", "ddi2013"] : ["mednli"];
const DATA = shared ? dataDir() : FIXTURES;
const DDI_PATH: Record<string, string> = shared ? { ddi2013: join(dataDir(), "ddi2013/blurb_format/test.tsv") } : {};
const rows: BenchRow[] = [];
const ms = (t0: number): number => performance.now() - t0;
const tmp = (): string => mkdtempSync(join(tmpdir(), "mellama-bench-eval-"));

// (1) overhead components, per sample.
const docsByTask = new Map<string, Doc[]>();
let t0 = performance.now();
for (const name of TASKS) {
    docsByTask.set(name, await getTask(name).loadDocs({ dataDir: DATA, path: DDI_PATH[name], onError: "fail" }));
}
const total = [...docsByTask.values()].reduce((s, d) => s + d.length, 0);
const loadMs = ms(t0) / total;
t0 = performance.now();
const prompts = [...docsByTask.values()].flatMap((docs) => buildPrompts(orderDocs(docs), docs, 0, "mellama_prompt"));
const promptMs = ms(t0) / total;
const cacheDir = tmp();
const cache = new ResponseCache(join(cacheDir, "c.sqlite"));
t0 = performance.now();
for (const prompt of prompts) {
    const h = requestHash({ prompt, until: [], maxTokens: 256, temperature: 0 });
    if (cache.get("bench", h) === undefined) {
        cache.put("bench", h, "yes");
    }
}
const cacheMs = ms(t0) / total;
cache.close();
rmSync(cacheDir, { recursive: true, force: true });
t0 = performance.now();
for (const [name, docs] of docsByTask) {
    const task = getTask(name);
    task.aggregate(docs, docs.map((d) => task.processResult(d, `The answer is ${d.answer}.`, "paper")), "paper");
}
const scoreMs = ms(t0) / total;
const evalRuns: number[] = [];
for (let rep = 0; rep < 3; rep++) {
    const out = tmp();
    t0 = performance.now();
    await evaluate({ lm: createConstantLM("yes"), tasks: TASKS, outputDir: out, dataDir: DATA, taskPaths: DDI_PATH, progress: false, modelPrompt: "mellama_prompt" });
    evalRuns.push(ms(t0) / total);
    rmSync(out, { recursive: true, force: true });
}
const config = { tasks: TASKS, samples: total };
for (const [name, value] of [["load docs", loadMs], ["build prompt", promptMs], ["cache get+put (SQLite WAL)", cacheMs],
    ["parse+score+aggregate", scoreMs], ["evaluate() whole run incl. outputs", median(evalRuns)]] as const) {
    rows.push({ name: `overhead: ${name}`, unit: "ms/sample", value, anchor: "target 1 ms", anchorValue: 1, ratio: 1 / value, config });
}

// (2) throughput against the stub server.
const LATENCY = 20;
const CAP = 16;
const stub = await startStub(["--latency", String(LATENCY), "--cap", String(CAP)]);
// The task with the most docs, so each concurrency level has distinct prompts (DDI: 5716).
const [bigTask, pool] = [...docsByTask].sort((a, b) => b[1].length - a[1].length)[0]!;
async function idealClient(batch: readonly string[], concurrency: number): Promise<number> {
    let next = 0;
    const start = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < batch.length) {
            const prompt = batch[next++]!;
            const r = await fetch(`${stub.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" },
                body: JSON.stringify({ model: "stub", prompt, max_tokens: 256, temperature: 0, top_p: 1 }) });
            await r.json();
        }
    }));
    return batch.length / ((performance.now() - start) / 1000);
}
let salt = 0;
for (const concurrency of [1, 8, 32]) {
    // Enough samples that the run's fixed costs (run dir, git hash, fsyncs) are a few % of it.
    const n = Math.min(pool.length, concurrency === 1 ? 60 : concurrency === 8 ? 500 : 1500);
    const harness: number[] = [];
    const ideal: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
        // Fresh prompts for the ideal client each rep (the stub answers any prompt the same way).
        const batch = Array.from({ length: n }, (_, i) => `${pool[i % pool.length]!.query}#${salt++}`);
        ideal.push(await idealClient(batch, concurrency));
        const out = tmp();
        const t = performance.now();
        const { results } = await evaluate({ lm: createOpenaiLM({ baseUrl: stub.url, model: `stub-${rep}-${concurrency}`, concurrency }),
            tasks: [bigTask], limit: n, outputDir: out, dataDir: DATA, taskPaths: DDI_PATH, progress: false, report: false });
        const answered = results["n-samples"][bigTask]!.answered;
        harness.push(answered / ((performance.now() - t) / 1000));
        rmSync(out, { recursive: true, force: true });
    }
    const h = median(harness);
    const i = median(ideal);
    rows.push({ name: `openai stub c=${concurrency}`, unit: "samples/s", value: h, anchor: "ideal client, same server", anchorValue: i, ratio: h / i,
        config: { concurrency, task: bigTask, samples: n, latencyMs: LATENCY, serverCap: CAP, serverMax: Math.min(concurrency, CAP) * 1000 / LATENCY } });
}
stub.stop();

// (3) multiple choice by log-likelihood: the first 16 questions' choices.
const mcTask = shared ? "pubmedqa_mc" : "mednli_mc";
const mc = getTask(mcTask);
const mcPool = await mc.loadDocs({ dataDir: shared ? DATA : FIXTURES, onError: "fail" });
const mcDocs = orderDocs(mcPool, 16);
const mcPrompts = buildPrompts(mcDocs, mcPool, 0, "no_prompt");
const mcDir = tmp();
rows.push(await benchMultipleChoice({ dir: mcDir, tokenizerModel: fileURLToPath(new URL("../test/fixtures/tokenizer/llama_like.model", import.meta.url)),
    task: mcTask, reps: 3, requests: mcDocs.flatMap((d, i) => mc.choiceContinuations!(d).map((continuation) => ({ context: mcPrompts[i]!, continuation }))) }));
rmSync(mcDir, { recursive: true, force: true });
writeBenchResults("eval", rows);
