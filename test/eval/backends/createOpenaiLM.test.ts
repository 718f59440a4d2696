import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import type { GenerateResult } from "../../../src/eval/api/LM.js";
import { createOpenaiLM } from "../../../src/eval/backends/createOpenaiLM.js";

interface Seen { url: string; auth: string | undefined; body: Record<string, unknown> }

/** An in-process server whose handler the test scripts; records every request. */
async function serve(t: { after(fn: () => void): void },
    handler: (seen: Seen, n: number, res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
    const seen: Seen[] = [];
    const server = createServer((req: IncomingMessage, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const s = { url: req.url ?? "", auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> };
            seen.push(s);
            handler(s, seen.length, res);
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    t.after(() => server.close());
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const req = (prompt: string) => ({ prompt, until: [], maxTokens: 256, temperature: 0 });

test("completions: greedy body with the prompt, no stop, bearer key; chat: one user message", async (t) => {
    const { url, seen } = await serve(t, (s, _n, res) => {
        res.end(JSON.stringify(s.url.includes("chat") ? { choices: [{ message: { content: "chat answer" } }] } : { choices: [{ text: "plain answer" }] }));
    });
    const lm = createOpenaiLM({ baseUrl: `${url}/v1`, model: "me-llama", apiKey: "k123" });
    assert.deepEqual(await lm.generateUntil([req("P1")]), [{ ok: true, text: "plain answer" }]);
    assert.equal(seen[0]!.url, "/v1/completions");
    assert.equal(seen[0]!.auth, "Bearer k123");
    assert.deepEqual(seen[0]!.body, { model: "me-llama", max_tokens: 256, temperature: 0, top_p: 1, prompt: "P1" });
    const chat = createOpenaiLM({ baseUrl: url, model: "me-llama", chat: true });
    assert.deepEqual(await chat.generateUntil([req("P2")]), [{ ok: true, text: "chat answer" }]);
    assert.equal(seen[1]!.url, "/v1/chat/completions");
    assert.deepEqual(seen[1]!.body.messages, [{ role: "user", content: "P2" }]);
    assert.notEqual(lm.id, chat.id);
});

test("garbage bodies and 5xx are retried; what still fails is a failed result naming the problem; 4xx is not retried", async (t) => {
    const { url, seen } = await serve(t, (s, n, res) => {
        const prompt = s.body.prompt as string;
        if (prompt === "flaky" && n <= 2) {
            res.end(n === 1 ? "not json" : JSON.stringify({ choices: [] }));
        } else if (prompt === "down") {
            res.statusCode = 503;
            res.end("{}");
        } else if (prompt === "bad") {
            res.statusCode = 400;
            res.end("{}");
        } else {
            res.end(JSON.stringify({ choices: [{ text: `ok ${prompt}` }] }));
        }
    });
    const lm = createOpenaiLM({ baseUrl: url, retries: 2, backoffMs: 1, concurrency: 1 });
    const streamed: [number, GenerateResult][] = [];
    const results = await lm.generateUntil([req("flaky"), req("down"), req("bad")], (i, r) => streamed.push([i, r]));
    assert.deepEqual(results[0], { ok: true, text: "ok flaky" });
    assert.equal(results[1]!.ok, false);
    assert.match((results[1] as { error: string }).error, /HTTP 503.*after 2 retries/);
    assert.match((results[2] as { error: string }).error, /HTTP 400/);
    assert.equal(seen.filter((s) => s.body.prompt === "down").length, 3);
    assert.equal(seen.filter((s) => s.body.prompt === "bad").length, 1);
    assert.equal(streamed.length, 3);
});

test("a server that never answers times out per request and the result is a failure", async (t) => {
    const { url } = await serve(t, () => undefined); // never responds
    const lm = createOpenaiLM({ baseUrl: url, retries: 1, backoffMs: 1, timeoutMs: 100 });
    const [r] = await lm.generateUntil([req("x")]);
    assert.equal(r!.ok, false);
    assert.match((r as { error: string }).error, /timed out after 100 ms/);
});

test("concurrency and rate limit: all requests answered, never more in flight than asked", async (t) => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { url } = await serve(t, (s, _n, res) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        setTimeout(() => { inFlight--; res.end(JSON.stringify({ choices: [{ text: String(s.body.prompt) }] })); }, 5);
    });
    const lm = createOpenaiLM({ baseUrl: url, concurrency: 3, rateLimit: 1000 });
    const results = await lm.generateUntil(Array.from({ length: 12 }, (_, i) => req(`p${i}`)));
    assert.deepEqual(results.map((r) => (r.ok ? r.text : r.error)), Array.from({ length: 12 }, (_, i) => `p${i}`));
    assert.ok(maxInFlight <= 3, `${maxInFlight}`);
});

test("429 with Retry-After is retried after the server's delay", async (t) => {
    const { url, seen } = await serve(t, (_s, n, res) => {
        if (n === 1) {
            res.statusCode = 429;
            res.setHeader("retry-after", "0");
            res.end("{}");
        } else {
            res.end(JSON.stringify({ choices: [{ text: "after wait" }] }));
        }
    });
    const lm = createOpenaiLM({ baseUrl: url, retries: 1, backoffMs: 60_000 }); // a backoff this long would hang the test
    assert.deepEqual(await lm.generateUntil([req("x")]), [{ ok: true, text: "after wait" }]);
    assert.equal(seen.length, 2);
});

test("loglikelihood: echo + logprobs on /v1/completions; continuation tokens by text_offset; no logprobs is a clear failure", async (t) => {
    const { url, seen } = await serve(t, (s, _n, res) => {
        const prompt = s.body.prompt as string;
        if (prompt.startsWith("bare")) {
            res.end(JSON.stringify({ choices: [{ text: prompt }] }));
            return;
        }
        // "Q:" + "\n yes": tokens "Q", ":", "\n", " yes" and one generated token after the prompt.
        res.end(JSON.stringify({ choices: [{ text: `${prompt}!`, logprobs: { tokens: ["Q", ":", "\n", " yes", "!"],
            token_logprobs: [null, -1, -0.5, -2, -9], top_logprobs: [null, { ":": -1 }, { "\n": -0.5 }, { " no": -1.5 }, { "!": -9 }],
            text_offset: [0, 1, 2, 3, 7] } }] }));
    });
    const lm = createOpenaiLM({ baseUrl: url, model: "m", chat: true, retries: 0 });
    const [r] = await lm.loglikelihood!([{ context: "Q:\n", continuation: " yes" }]);
    assert.equal(seen[0]!.url, "/v1/completions", "scoring uses completions even for a chat backend");
    assert.deepEqual(seen[0]!.body, { model: "m", prompt: "Q:\n yes", max_tokens: 1, temperature: 0, logprobs: 1, echo: true });
    // Context "Q:" after moving its trailing "\n" to the continuation: tokens at offsets 2 and 3, not the generated one.
    assert.deepEqual(r, { ok: true, logprob: -2.5, isGreedy: false, truncated: false });
    const bare = (await lm.loglikelihood!([{ context: "bare", continuation: " x" }]))[0]!;
    assert.ok(!bare.ok && /no choices\[0\]\.logprobs.*does not support scoring/.test(bare.error), bare.ok ? "" : bare.error);
    const [rolling] = await lm.loglikelihoodRolling!(["Q:\n yes"]);
    assert.deepEqual(rolling, { ok: true, logprob: -3.5, tokens: 3, windows: 1 });
});
