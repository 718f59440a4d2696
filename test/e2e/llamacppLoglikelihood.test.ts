/**
 * Log-likelihood parity of the llamacpp backend (node-llama-cpp, optional) with the native backend and the
 * PyTorch oracle on the SAME model: the scoring oracle model (test/eval/scoring) exported by mellama as an F32
 * GGUF. Requests that fit the window agree within 1e-3 (llama.cpp's F32 KV cache; logits ~1e-5 apart), with the
 * same is_greedy flags; rolling perplexity of a short text too. (The backend keeps one context slot free, see
 * createLlamacppLM, so only requests shorter than the window are compared.) Skipped, with the reason, when node-llama-cpp or
 * its prebuilt binary is unavailable.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { exportModel } from "../../src/formats/hf/exportModel.js";
import { createLlamacppLM } from "../../src/eval/backends/createLlamacppLM.js";
import { writeScoringOracleModel } from "../eval/scoring/scoringOracleModel.js";

interface Fixture {
    maxLen: number;
    mc: { context: string; choices: string[]; requests: { contextIds: number[]; continuationIds: number[]; logprob: number; isGreedy: boolean }[] }[];
    rolling: { text: string; tokens: number[]; logprob: number }[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/eval/scoring/loglikelihood_cases.json", import.meta.url), "utf8")) as Fixture;
const dir = mkdtempSync(join(tmpdir(), "mellama-llamacpp-ll-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("llamacpp loglikelihood and loglikelihood_rolling equal the PyTorch oracle on the same F32 GGUF", { timeout: 120_000 }, async (t) => {
    writeScoringOracleModel(join(dir, "hf"));
    const gguf = join(dir, "m.gguf");
    exportModel({ from: join(dir, "hf"), to: "gguf", out: gguf, type: "f32" });
    let lm;
    try {
        lm = await createLlamacppLM(gguf, { threads: 1 });
    } catch (error) {
        t.skip(`node-llama-cpp or its prebuilt binary is unavailable (${(error as Error).message.split("\n")[0]})`);
        return;
    }
    try {
        const fits = fixture.mc.filter((c) => c.requests.every((r) => r.contextIds.length + r.continuationIds.length <= fixture.maxLen));
        assert.ok(fits.length >= 3);
        const got = await lm.loglikelihood!(fits.flatMap((c) => c.choices.map((choice) => ({ context: c.context, continuation: ` ${choice}` }))));
        const want = fits.flatMap((c) => c.requests);
        got.forEach((g, i) => {
            assert.ok(g.ok, g.ok ? "" : g.error);
            assert.ok(Math.abs(g.logprob - want[i]!.logprob) <= 1e-3, `request ${i}: ${g.logprob} vs ${want[i]!.logprob}`);
            assert.equal(g.isGreedy, want[i]!.isGreedy);
        });
        const short = fixture.rolling.filter((r) => r.tokens.length <= fixture.maxLen);
        const rolled = await lm.loglikelihoodRolling!(short.map((r) => r.text));
        rolled.forEach((r, i) => assert.ok(r.ok && Math.abs(r.logprob - short[i]!.logprob) <= 1e-3, `text ${i}`));
    } finally {
        await lm.dispose?.();
    }
});
