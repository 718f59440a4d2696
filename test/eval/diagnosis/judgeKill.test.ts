import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ResponseCache } from "../../../src/eval/cache/ResponseCache.js";
import { SYNTHETIC_CASES } from "../../../src/eval/tasks/diagnosis/diagnosis.js";
import type { ResultsJson } from "../../../src/eval/run/ResultsJson.js";
import { runJudged, scriptedModel, slowJudge } from "./judgeKillChild.js";

const child = fileURLToPath(new URL("./judgeKillChild.ts", import.meta.url));

function count(cachePath: string, model: string): number {
    if (!existsSync(cachePath)) {
        return 0;
    }
    const cache = new ResponseCache(cachePath);
    try {
        return cache.count(model);
    } finally {
        cache.close();
    }
}

test("a run killed with kill -9 during judging, rerun, recomputes no answer and no verdict, and ends as an uninterrupted run", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-judge-kill-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const cachePath = join(dir, "cache.sqlite");
    const runDir = join(dir, "killed");
    const proc = spawn(process.execPath, ["--import", "tsx", child, runDir, cachePath, SYNTHETIC_CASES, "40"], { stdio: "ignore", env: { ...process.env, MELLAMA_QUIET: "1" } });
    const exited = new Promise((r) => proc.on("exit", r));
    const deadline = Date.now() + 60_000;
    while (count(cachePath, "slow-judge") < 8 && proc.exitCode === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
    }
    proc.kill("SIGKILL");
    await exited;
    const answers = count(cachePath, "scripted-differential");
    const verdicts = count(cachePath, "slow-judge");
    assert.equal(answers, 34, "every answer was cached before judging began");
    assert.ok(verdicts >= 8 && verdicts < 34, `killed during judging (${verdicts} verdicts cached)`);
    assert.ok(!existsSync(join(runDir, "results.json")));

    let modelCalls = 0;
    let judgeCalls = 0;
    await runJudged(runDir, cachePath, SYNTHETIC_CASES, scriptedModel(() => modelCalls++), slowJudge(0, () => judgeCalls++));
    assert.equal(modelCalls, 0, "no answer recomputed");
    assert.equal(judgeCalls, 34 - verdicts, "only the verdicts not cached before the kill were asked for");
    const resumed = JSON.parse(readFileSync(join(runDir, "results.json"), "utf8")) as ResultsJson;

    const straight = join(dir, "straight");
    await runJudged(straight, join(dir, "fresh.sqlite"), SYNTHETIC_CASES, scriptedModel(), slowJudge(0));
    const expected = JSON.parse(readFileSync(join(straight, "results.json"), "utf8")) as ResultsJson;
    assert.deepEqual(resumed.results, expected.results);
    assert.deepEqual(resumed.details, expected.details);
    // Ranks 1..5 then missing, over case numbers 1..34: top-1 = 5/34 (cases 6, 12, …, 30), top-5 = 29/34.
    assert.equal(expected.results.diagnosis!["top1_match,none"], 5 / 34);
    assert.equal(expected.results.diagnosis!["top5_match,none"], 29 / 34);
    assert.equal(expected.results.diagnosis!["top1_llm,none"], 5 / 34);
});
