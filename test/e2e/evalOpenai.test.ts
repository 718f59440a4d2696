/**
 * Acceptance: PubMedQA, MedQA, MedMCQA, DDI, HoC and MTSamples (shared data) end to end through `mellama eval`
 * with the openai backend against a local OpenAI-compatible server (a child process answering deterministically),
 * with a kill -9 of the eval process mid-run and a --resume that must recompute nothing already answered:
 * the server counts hits per prompt, and after the resume every prompt cached before the kill has no new hit.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { requestHash } from "../../src/eval/cache/ResponseCache.js";
import type { ResultsJson, SampleRecord } from "../../src/eval/run/ResultsJson.js";
import { dataDir } from "../../src/util/dataDir.js";
import { startStub } from "../fixtures/eval/harness/startStub.js";
import { skipWithoutData } from "../eval/tasks/taskFixtures.js";
import { mellamaArgv } from "../helpers/runCli.js";

const TASKS = ["pubmedqa", "medqa", "medmcqa", "ddi2013", "hoc", "mtsample"];
const SIZES: Record<string, number> = { pubmedqa: 500, medqa: 1273, medmcqa: 2816, ddi2013: 5716, hoc: 315 };

function runCli(args: string[], onSpawn?: (kill: () => void) => void): Promise<{ code: number | null; signal: string | null; stderr: string }> {
    const child = spawn(process.execPath, [...mellamaArgv, ...args], {
        env: { ...process.env, MELLAMA_DATA: dataDir(), MELLAMA_QUIET: "1" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
    onSpawn?.(() => child.kill("SIGKILL"));
    return new Promise((resolveRun) => child.on("exit", (code, signal) => resolveRun({ code, signal, stderr })));
}

function cachedHashes(path: string): Set<string> {
    const db = new Database(path, { readonly: true });
    const rows = db.prepare("SELECT request FROM responses").all() as { request: string }[];
    db.close();
    return new Set(rows.map((r) => r.request));
}

test("openai backend end to end on six shared-data tasks, kill -9 mid-run, resume recomputes nothing answered", {
    skip: skipWithoutData(...TASKS), timeout: 180_000,
}, async (t) => {
    const out = mkdtempSync(join(tmpdir(), "mellama-e2e-"));
    const stub = await startStub();
    t.after(() => { stub.stop(); rmSync(out, { recursive: true, force: true }); });
    const args = ["eval", "--model", `openai:${stub.url}#stub`, "--tasks", TASKS.join(","), "--output", out,
        "--concurrency", "16", "--timeout", "30", "--model-prompt", "mellama_prompt"];

    // First run: killed with SIGKILL once the server has answered a few thousand requests.
    const first = await runCli(args, (kill) => {
        const poll = setInterval(() => {
            void stub.stats().then((s) => {
                if (s.requests >= 3000) {
                    clearInterval(poll);
                    kill();
                }
            });
        }, 50);
    });
    assert.equal(first.signal, "SIGKILL", `the eval finished before it was killed: ${first.stderr.slice(-500)}`);
    const runDirs = readdirSync(out).filter((d) => !d.startsWith("."));
    assert.equal(runDirs.length, 1);
    const runDir = join(out, runDirs[0]!);
    assert.ok(!existsSync(join(runDir, "results.json")));
    const cachePath = join(out, ".cache", "responses.sqlite");
    const cached = cachedHashes(cachePath);
    assert.ok(cached.size >= 1000, `cached ${cached.size}`);
    const hitsAtKill = await stub.hits();

    // Resume in the same run directory.
    const second = await runCli(["eval", "--resume", runDir, "--concurrency", "16", "--timeout", "30"]);
    assert.equal(second.code, 0, second.stderr.slice(-2000));
    const hitsAfter = await stub.hits();
    const results = JSON.parse(readFileSync(join(runDir, "results.json"), "utf8")) as ResultsJson;
    assert.deepEqual(Object.keys(results.results), TASKS);
    for (const [task, size] of Object.entries(SIZES)) {
        assert.equal(results["n-samples"][task]!.effective, size, task);
    }
    assert.ok(results["n-samples"].mtsample!.effective > 0);

    // Per prompt: cached before the kill => no new hit; otherwise exactly one new hit per sample with that prompt.
    const perPrompt = new Map<string, { count: number; cached: boolean }>();
    let samples = 0;
    for (const task of TASKS) {
        assert.equal(results.failures[task]!.count, 0, task);
        assert.equal(typeof results.results[task]![`${task === "ddi2013" || task === "hoc" || task === "mtsample" ? "macro_f1" : "acc"},none`], "number");
        const lines = readFileSync(join(runDir, `samples_${task}.jsonl`), "utf8").trim().split("\n");
        for (const line of lines) {
            const s = JSON.parse(line) as SampleRecord;
            samples++;
            const h = createHash("sha256").update(s.prompt).digest("hex");
            const isCached = cached.has(requestHash({ prompt: s.prompt, until: [], maxTokens: 256, temperature: 0 }));
            assert.equal(s.cached, isCached);
            const e = perPrompt.get(h) ?? { count: 0, cached: isCached };
            e.count++;
            perPrompt.set(h, e);
        }
    }
    let recomputed = 0;
    for (const [h, e] of perPrompt) {
        const added = (hitsAfter[h] ?? 0) - (hitsAtKill[h] ?? 0);
        if (e.cached) {
            recomputed += added;
        } else {
            assert.equal(added, e.count, "an unanswered prompt is asked once per sample");
        }
    }
    assert.equal(recomputed, 0, "prompts answered before the kill were asked again");
    assert.ok(samples > 10_000);
    const report = readFileSync(join(runDir, "report.html"), "utf8");
    for (const task of TASKS) {
        assert.ok(report.includes(`data-task="${task}"`), task);
    }
});
