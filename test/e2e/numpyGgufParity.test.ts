/**
 * GGUFs of every quantized type written by an independent numpy writer (reference/py/make_quant_gguf.py: the
 * GGUF spec and ggml's block layouts, random quant bytes with sized scales) load in mellama and give the same
 * next-token logits as llama.cpp (node-llama-cpp) on four id prompts, within 0.1 (logits ~10; measured ~1e-5
 * unless an activation quant rounds the other way on one ulp of difference). The files are generated into a temp
 * directory when the test runs (/usr/bin/python3 with numpy). Skipped, with the reason, when python3/numpy or
 * node-llama-cpp is unavailable.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadForInference } from "../../src/model/inference/index.js";
import { getLlama, maxLogitDiff } from "./llamacppHarness.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-npgguf-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const TYPES = ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"];
const PROMPTS = [[1, 300, 301, 302], [1, 259, 400, 17, 88, 460], [1, 500], [1, 42, 43, 44, 45, 46, 47, 48, 49, 50]];
const TOLERANCE = 0.1;

test("numpy-written GGUFs of every quantized type: mellama's logits equal llama.cpp's", async (t) => {
    const script = fileURLToPath(new URL("../../reference/py/make_quant_gguf.py", import.meta.url));
    const py = spawnSync("/usr/bin/python3", [script, dir], { encoding: "utf8" });
    if (py.status !== 0) {
        t.skip(`the numpy writer did not run (${(py.error?.message ?? py.stderr).split("\n").at(-2) ?? "no python3"})`);
        return;
    }
    const llama = await getLlama();
    if (typeof llama === "string") {
        t.skip(llama);
        return;
    }
    try {
        for (const type of TYPES) {
            const path = join(dir, `${type}.gguf`);
            const mine = await loadForInference(path, { threads: 1 });
            const lm = await llama.loadModel({ modelPath: path });
            const ctx = await lm.createContext({ contextSize: 128, threads: 1, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32", flashAttention: false });
            const seq = ctx.getSequence();
            try {
                for (const ids of PROMPTS) {
                    await seq.clearHistory();
                    const res = await seq.controlledEvaluate([...ids.slice(0, -1), [ids.at(-1)!, { generateNext: { logits: true } }]]);
                    const theirs = res.at(-1)?.next.logits;
                    assert.ok(theirs !== undefined && theirs.size === 512, "llama.cpp returned the full logits");
                    const ours = mine.logits(ids);
                    const maxDiff = maxLogitDiff(theirs, ours);
                    const scale = [...theirs.values()].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
                    t.diagnostic(`${type} prompt ${PROMPTS.indexOf(ids)}: max |logit diff| ${maxDiff.toExponential(2)} (max |logit| ${scale.toFixed(1)})`);
                    assert.ok(maxDiff <= TOLERANCE, `${type}: max abs logit diff ${maxDiff} > ${TOLERANCE}`);
                }
            } finally {
                await ctx.dispose();
                await lm.dispose();
                mine.dispose();
            }
        }
    } finally {
        await llama.dispose();
    }
});
