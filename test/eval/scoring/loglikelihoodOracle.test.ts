/**
 * Log-likelihood scoring against the PyTorch oracle (reference/py/make_loglikelihood_cases.py, float64, lm-eval's
 * definitions written out there): on the same random 24-token-context model and the same sentencepiece tokenizer,
 * mellama's native scorer gives the same token pairs, truncation flags, windows, log-likelihoods (|diff| <= 1e-4:
 * float32 forward against float64, sums of up to 24 log-probabilities of magnitude ~8), is_greedy flags, acc and
 * acc_norm, and corpus perplexities (relative 1e-5). The OpenAI backend against `mellama serve` on the same
 * directory (completions with echo + logprobs) gives the same log-likelihoods within 1e-3 (the server's scores
 * are float32 and rounded to JSON) for ASCII requests that fit the window.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadForInference } from "../../../src/model/inference/index.js";
import { encodePair } from "../../../src/eval/scoring/encodePair.js";
import { rollingWindows } from "../../../src/eval/scoring/rollingWindows.js";
import { sessionLoglikelihood, sessionLoglikelihoodRolling } from "../../../src/eval/scoring/sessionScoring.js";
import { scoreTokenPairs } from "../../../src/eval/scoring/scoreTokenPairs.js";
import { multipleChoiceScores } from "../../../src/eval/tasks/multipleChoice/multipleChoiceVariant.js";
import { perplexityMetrics } from "../../../src/eval/tasks/perplexity/perplexityTask.js";
import { createOpenaiLM } from "../../../src/eval/backends/createOpenaiLM.js";
import { serve } from "../../../src/serve/serve.js";
import { writeScoringOracleModel } from "./scoringOracleModel.js";

interface Fixture {
    maxLen: number;
    weightSum: number;
    mc: { context: string; choices: string[]; gold: number; acc: number; acc_norm: number;
        requests: { contextIds: number[]; continuationIds: number[]; logprob: number; isGreedy: boolean; truncated: boolean }[]; }[];
    rolling: { text: string; tokens: number[]; windows: { context: number[]; continuation: number[] }[]; logprob: number; words: number; bytes: number }[];
    perplexity: Record<string, number>;
}

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/eval/scoring/loglikelihood_cases.json", import.meta.url), "utf8")) as Fixture;
const dir = mkdtempSync(join(tmpdir(), "mellama-ll-oracle-"));
after(() => rmSync(dir, { recursive: true, force: true }));
writeScoringOracleModel(dir);

test("the oracle's cases cross the edges they are meant to", () => {
    const requests = fixture.mc.flatMap((c) => c.requests);
    assert.ok(requests.some((r) => r.truncated) && requests.some((r) => !r.truncated), "some contexts are cut from the left");
    assert.ok(requests.some((r) => r.continuationIds.length > 1), "multi-token continuations");
    assert.ok(fixture.mc.some((c) => c.acc !== c.acc_norm), "acc_norm differs from acc somewhere");
    assert.ok(fixture.rolling.some((r) => r.windows.length > 2), "a text needs several windows");
});

for (const kernels of ["reference", "auto"] as const) {
    test(`native scoring (${kernels} kernels) equals the PyTorch oracle: pairs, truncation, log-likelihoods, acc, acc_norm`, async () => {
        const session = await loadForInference(dir, { kernels, threads: 1 });
        assert.equal(session.maxContext, fixture.maxLen);
        const requests = fixture.mc.flatMap((c) => c.choices.map((choice) => ({ context: c.context, continuation: ` ${choice}` })));
        const want = fixture.mc.flatMap((c) => c.requests);
        requests.forEach((r, i) => {
            const pair = encodePair(session.tokenizer, r.context, r.continuation);
            assert.deepEqual(pair, { context: want[i]!.contextIds, continuation: want[i]!.continuationIds }, `pair ${i}`);
        });
        const got = await sessionLoglikelihood(session, requests);
        got.forEach((g, i) => {
            assert.ok(g.ok, `request ${i} scored`);
            assert.ok(Math.abs(g.logprob - want[i]!.logprob) <= 1e-4, `request ${i}: ${g.logprob} vs ${want[i]!.logprob}`);
            assert.equal(g.isGreedy, want[i]!.isGreedy, `request ${i} is_greedy`);
            assert.equal(g.truncated, want[i]!.truncated, `request ${i} truncated`);
        });
        let k = 0;
        for (const c of fixture.mc) {
            const lls = c.choices.map(() => (got[k++] as { logprob: number }).logprob);
            const s = multipleChoiceScores(c.choices, c.gold, lls);
            assert.deepEqual([s.acc, s.acc_norm], [c.acc, c.acc_norm], c.context.slice(0, 30));
        }
        session.dispose();
    });
}

test("a shared prefix scored once gives each continuation what scoring it alone gives", async () => {
    const session = await loadForInference(dir, { kernels: "reference" });
    const pairs = fixture.mc.flatMap((c) => c.requests.map((r) => ({ context: r.contextIds, continuation: r.continuationIds })));
    const together = await scoreTokenPairs(session, pairs);
    for (const [i, pair] of pairs.entries()) {
        const alone = (await scoreTokenPairs(session, [pair]))[0]!;
        assert.ok(alone.ok && together[i]!.ok);
        assert.ok(Math.abs(alone.logprob - (together[i] as { logprob: number }).logprob) <= 1e-5, `pair ${i}`);
    }
    const [empty] = await scoreTokenPairs(session, [{ context: [1, 5], continuation: [] }]);
    assert.deepEqual(empty, { ok: false, error: "the continuation tokenizes to nothing (an empty choice?)" });
    session.dispose();
});

test("rolling perplexity equals the oracle: windows, log-likelihood per text, word/byte perplexity and bits per byte", async () => {
    const session = await loadForInference(dir, { kernels: "reference" });
    for (const r of fixture.rolling) {
        const tokens = session.tokenizer.encode(r.text);
        assert.deepEqual(tokens, r.tokens);
        assert.deepEqual(rollingWindows(tokens, session.tokenizer.bosId, fixture.maxLen), r.windows);
    }
    const got = await sessionLoglikelihoodRolling(session, fixture.rolling.map((r) => r.text));
    const samples = got.map((g, i) => {
        assert.ok(g.ok);
        assert.ok(Math.abs(g.logprob - fixture.rolling[i]!.logprob) <= 1e-3, `text ${i}: ${g.logprob} vs ${fixture.rolling[i]!.logprob}`);
        assert.equal(g.windows, fixture.rolling[i]!.windows.length);
        return { parsed: "", gold: "", scores: { logprob: g.logprob, words: fixture.rolling[i]!.words, bytes: fixture.rolling[i]!.bytes } };
    });
    const metrics = perplexityMetrics(samples);
    for (const [name, value] of Object.entries(fixture.perplexity)) {
        assert.ok(Math.abs(metrics[name]!.value / value - 1) <= 1e-5, `${name}: ${metrics[name]!.value} vs ${value}`);
    }
    session.dispose();
});

test("the OpenAI backend scores through mellama serve's completions echo + logprobs as the oracle does", { timeout: 60_000 }, async () => {
    const server = await serve({ port: 0, kernels: "reference", threads: 1, models: [{ name: "oracle", path: dir }] });
    try {
        const lm = createOpenaiLM({ baseUrl: server.url, model: "oracle", retries: 0, concurrency: 2 });
        // The server takes prompt + max_tokens (1) within the context. ASCII only: mellama serve's text_offset
        // for byte-fallback pieces of a split UTF-8 character does not follow the text (a known server issue).
        const cases = fixture.mc.filter((c) => [...c.context + c.choices.join("")].every((ch) => ch.charCodeAt(0) < 128)
            && c.requests.every((r) => r.contextIds.length + r.continuationIds.length + 1 <= fixture.maxLen));
        assert.ok(cases.length >= 3);
        const got = await lm.loglikelihood!(cases.flatMap((c) => c.choices.map((choice) => ({ context: c.context, continuation: ` ${choice}` }))));
        const want = cases.flatMap((c) => c.requests);
        got.forEach((g, i) => {
            assert.ok(g.ok, `request ${i}: ${g.ok ? "" : g.error}`);
            assert.ok(Math.abs(g.logprob - want[i]!.logprob) <= 1e-3, `request ${i}: ${g.logprob} vs ${want[i]!.logprob}`);
            assert.equal(g.isGreedy, want[i]!.isGreedy);
        });
        const rolling = (await lm.loglikelihoodRolling!([fixture.rolling[0]!.text]))[0]!;
        assert.ok(rolling.ok && Math.abs(rolling.logprob - fixture.rolling[0]!.logprob) <= 1e-3);
    } finally {
        await server.close();
    }
});
