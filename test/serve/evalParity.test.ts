/**
 * Acceptance: `mellama eval --model openai:URL` against `mellama serve` writes byte-identical per-sample outputs
 * to `mellama eval --model native:DIR` at temperature 0 (fixture tasks, real CLI for both evals; the server runs
 * in this process, so the evals run as asynchronous child processes).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { mellamaArgv } from "../helpers/runCli.js";
import { FIXTURE_DATA } from "../eval/tasks/taskFixtures.js";
import { startTestServer } from "./startTestServer.js";

const TASKS = ["mednli", "emrqa"];

function evalRun(model: string, output: string): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [...mellamaArgv, "eval", "--model", model, "--tasks", TASKS.join(","), "--data", FIXTURE_DATA,
        "--max-tokens", "12", "--output", output, "--concurrency", "4", "--retries", "0"], { env: { ...process.env, MELLAMA_QUIET: "1" }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
    return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

function outputs(output: string): Record<string, (string | null)[]> {
    const [run] = readdirSync(output).filter((d) => !d.startsWith("."));
    return Object.fromEntries(TASKS.map((task) => [task, readFileSync(join(output, run!, `samples_${task}.jsonl`), "utf8").trim().split("\n")
        .map((l) => (JSON.parse(l) as { output: string | null }).output)]));
}

test("eval through mellama serve = eval on the native backend, byte for byte, at temperature 0", { timeout: 120_000 }, async (t) => {
    const server = await startTestServer({ tiny: { maxSeqLen: 1024 } });
    const out = mkdtempSync(join(tmpdir(), "mellama-serve-eval-"));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const viaServer = await evalRun(`openai:${server.url}#tiny`, join(out, "served"));
    assert.equal(viaServer.code, 0, viaServer.stderr.slice(-2000));
    const native = await evalRun(`native:${server.dirs.tiny!}`, join(out, "native"));
    assert.equal(native.code, 0, native.stderr.slice(-2000));
    const a = outputs(join(out, "served"));
    const b = outputs(join(out, "native"));
    for (const task of TASKS) {
        assert.ok(a[task]!.length > 0);
        assert.ok(a[task]!.every((o) => typeof o === "string"), `${task}: every request answered by the server`);
        assert.ok(a[task]!.some((o) => o !== ""), `${task}: some outputs are not empty`);
    }
    assert.deepEqual(a, b);
});
