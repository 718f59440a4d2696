/**
 * Characters spelled by several byte tokens (<0xE2><0x80><0x94> for "—") through `mellama serve`'s completions
 * logprobs: token texts concatenate to the returned text, text_offset never decreases and each offset is the
 * length of the texts before it (the byte tokens of a character read "" but the last, which carries the character,
 * as llama.cpp's server streams it); and eval's OpenAI backend (echo + logprobs) scores non-ASCII multiple-choice
 * continuations with the native backend's log-likelihoods.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LoglikelihoodRequest } from "../../src/eval/api/LM.js";
import { createNativeLM } from "../../src/eval/backends/createNativeLM.js";
import { createOpenaiLM } from "../../src/eval/backends/createOpenaiLM.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { startTestServer } from "./startTestServer.js";

const server = await startTestServer({ tiny: { maxSeqLen: 256 } });

interface Logprobs { tokens: string[]; token_logprobs: (number | null)[]; top_logprobs: (Record<string, number> | null)[]; text_offset: number[] }

async function echo(prompt: string): Promise<{ text: string; logprobs: Logprobs }> {
    const res = await fetch(`${server.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "tiny", prompt, max_tokens: 1, temperature: 0, logprobs: 1, echo: true }) });
    assert.equal(res.status, 200);
    const body = await res.json() as { choices: { text: string; logprobs: Logprobs }[] };
    return body.choices[0]!;
}

test("byte tokens of one character: texts join to the text, offsets are monotonic and the running lengths", async () => {
    const prompt = "the patient — café 中文 naïve";
    const tok = loadTokenizer(server.dirs.tiny!);
    const pieces = tok.encode(prompt).map((id) => tok.idToPiece(id));
    assert.ok(pieces.filter((p) => /^<0x[0-9A-F]{2}>$/.test(p)).length >= 9, `the prompt goes through byte fallback: ${pieces.join(" ")}`);
    const { text, logprobs: lp } = await echo(prompt);
    assert.ok(text.startsWith(prompt));
    assert.equal(lp.tokens.join(""), text, "the token texts reproduce the returned text");
    let at = 0;
    lp.tokens.forEach((t, i) => {
        assert.equal(lp.text_offset[i], at, `token ${i} (${JSON.stringify(t)}) starts where the ones before end`);
        at += t.length;
    });
    for (let i = 1; i < lp.text_offset.length; i++) {
        assert.ok(lp.text_offset[i]! >= lp.text_offset[i - 1]!, "text_offset never decreases");
    }
    // "—" is three byte tokens: two read "" and the third carries the whole character, all at its offset.
    const dash = prompt.indexOf("—");
    const atDash = lp.text_offset.flatMap((o, i) => (o === dash ? [lp.tokens[i]!] : []));
    assert.deepEqual(atDash, ["", "", "—"]);
    assert.ok(!lp.tokens.some((t) => t.includes("\ufffd") || /<0x/.test(t)), "no replacement characters or placeholder pieces");
});

test("eval's OpenAI backend (echo + logprobs) through serve = the native backend on non-ASCII choices", async () => {
    const openai = createOpenaiLM({ baseUrl: server.url, model: "tiny", retries: 0, concurrency: 2 });
    const native = await createNativeLM(server.dirs.tiny!, { kernels: "reference", threads: 1 });
    const context = "Which mark separates the clauses?\nAnswer:";
    const requests: LoglikelihoodRequest[] = [" —", " é", " 中文", " naïve", " dash", " – or —"].map((continuation) => ({ context, continuation }));
    const [viaServer, direct] = await Promise.all([openai.loglikelihood!(requests), native.loglikelihood!(requests)]);
    await native.dispose?.();
    requests.forEach((r, i) => {
        const a = viaServer[i]!;
        const b = direct[i]!;
        assert.ok(a.ok && b.ok, `${JSON.stringify(r.continuation)}: ${JSON.stringify(a)} ${JSON.stringify(b)}`);
        // The server's engine and the native backend run the same weights in F32; echo scores the whole prompt in
        // one pass where native reuses the context's KV cache, so the sums agree to float rounding.
        assert.ok(Math.abs(a.logprob - b.logprob) < 1e-4, `${JSON.stringify(r.continuation)}: served ${a.logprob} vs native ${b.logprob}`);
        assert.equal(a.isGreedy, b.isGreedy, `${JSON.stringify(r.continuation)}: is_greedy`);
    });
});
