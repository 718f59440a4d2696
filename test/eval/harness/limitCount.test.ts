/**
 * `--limit` as Me-LLaMA's evaluator computes it: a fraction below 1 keeps int(n × limit) documents of each task
 * (in double precision, as Python; at least one), a count keeps that many; through the CLI a fraction of the
 * 4-document MedNLI fixture keeps the rounded-down count, where lm-eval 0.4's ceil would keep one more.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { limitCount } from "../../../src/eval/run/limitCount.js";
import type { ResultsJson } from "../../../src/eval/run/ResultsJson.js";
import { runCli } from "../../helpers/runCli.js";
import { FIXTURE_DATA } from "../tasks/taskFixtures.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-limit-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("limitCount: int() of a fraction, as Python's int(n * limit), at least one; counts as given, never beyond n", () => {
    // Python 3: int(500*0.003) == 1 (1.5), int(100*0.07) == 7 (7.000000000000001), int(4*0.3) == 1, int(100*0.29) == 28 (28.999999999999996).
    assert.equal(limitCount(500, 0.003), 1);
    assert.equal(limitCount(100, 0.07), 7);
    assert.equal(limitCount(4, 0.3), 1);
    assert.equal(limitCount(100, 0.29), 28);
    assert.equal(limitCount(500, 0.1), 50);
    assert.equal(limitCount(3, 1e-9), 1, "a non-empty task keeps at least one document");
    assert.equal(limitCount(0, 0.5), 0);
    assert.equal(limitCount(500, 50), 50);
    assert.equal(limitCount(10, 50), 10);
    assert.equal(limitCount(10, undefined), 10);
});

test("mellama eval --limit 0.6 on a 4-document task evaluates int(2.4) = 2 documents", () => {
    const r = runCli(["eval", "--model", "echo", "--tasks", "mednli", "--data", FIXTURE_DATA, "--limit", "0.6", "--output", dir], { MELLAMA_QUIET: "1" });
    assert.equal(r.status, 0, r.stderr);
    const run = readdirSync(dir).find((n) => !n.startsWith("."));
    const results = JSON.parse(readFileSync(join(dir, run!, "results.json"), "utf8")) as ResultsJson;
    assert.deepEqual(results["n-samples"].mednli, { original: 4, effective: 2, answered: 2, failed: 0 });
    assert.equal(results.config.limit, 0.6);
});
