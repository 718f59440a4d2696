/**
 * The HTTP surface with plain fetch: bad input of every kind gets OpenAI's error object with a 4xx (never a crash
 * or a 500), the bounded queue answers 429 with Retry-After, a client that goes away mid-stream frees its slot,
 * the request timeout, the API key, /health and /metrics, and an access log that never holds request or
 * generated text.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { test } from "node:test";
import { serve } from "../../src/serve/serve.js";
import { startTestServer } from "./startTestServer.js";

const logs: string[] = [];
const server = await startTestServer({ tiny: {} }, { maxBatch: 1, maxQueue: 1, bodyLimit: 64 * 1024, log: (l) => logs.push(l) });
const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

async function expectError(response: Response, status: number,
    param?: string): Promise<{ message: string; type: string; param: string | null; code: string | null }> {
    assert.equal(response.status, status);
    const body = await response.json() as { error: { message: string; type: string; param: string | null; code: string | null } };
    assert.equal(typeof body.error.message, "string");
    assert.equal(typeof body.error.type, "string");
    assert.ok("param" in body.error && "code" in body.error);
    if (param !== undefined) {
        assert.equal(body.error.param, param);
    }
    return body.error;
}

test("bad input: each case a 4xx OpenAI error object", async () => {
    await expectError(await post("/v1/completions", "{not json"), 400);
    await expectError(await post("/v1/completions", "[1,2]"), 400);
    await expectError(await post("/v1/completions", "null"), 400);
    await expectError(await post("/v1/completions", ""), 400);
    await expectError(await post("/v1/completions", { model: "tiny" }), 400, "prompt");
    await expectError(await post("/v1/completions", { model: 3, prompt: "x" }), 400, "model");
    await expectError(await post("/v1/completions", { model: "tiny", prompt: "x", max_tokens: -1 }), 400, "max_tokens");
    await expectError(await post("/v1/completions", { model: "tiny", prompt: "x", max_tokens: 1e9 }), 400, "max_tokens");
    await expectError(await post("/v1/completions", { model: "tiny", prompt: "x", max_tokens: 2.5 }), 400, "max_tokens");
    await expectError(await post("/v1/completions", { model: "tiny", prompt: "x", temperature: 5 }), 400, "temperature");
    await expectError(await post("/v1/completions", { model: "tiny", prompt: [5, 99999] }), 400, "prompt");
    await expectError(await post("/v1/completions", { model: "tiny", prompt: "x", presence_penalty: 1 }), 400, "presence_penalty");
    await expectError(await post("/v1/completions", { model: "tiny", prompt: "word ".repeat(300) }), 400, "prompt");
    await expectError(await post("/v1/completions", { model: "nope", prompt: "x" }), 404, "model");
    await expectError(await post("/v1/chat/completions", { model: "tiny", messages: [] }), 400, "messages");
    await expectError(await post("/v1/chat/completions", { model: "tiny", messages: [{ role: "tool", content: "x" }] }), 400);
    await expectError(await post("/v1/chat/completions", { model: "tiny", messages: [{ role: "user" }] }), 400);
    // The Llama-2 template raises on roles out of order: the request's fault.
    const roles = await expectError(await post("/v1/chat/completions", { model: "tiny", messages: [{ role: "assistant", content: "x" }] }), 400, "messages");
    assert.match(roles.message, /alternate/);
    const utf8 = await fetch(`${server.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" },
        body: Buffer.concat([Buffer.from("{\"model\":\"tiny\",\"prompt\":\""), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from("\"}")]) });
    assert.match((await expectError(utf8, 400)).message, /UTF-8/);
    await expectError(await post("/v1/completions", { model: "tiny", prompt: "x".repeat(100_000) }), 413);
    await expectError(await fetch(`${server.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/xml" }, body: "<x/>" }), 415);
    await expectError(await fetch(`${server.url}/v1/nothing`), 404);
    await expectError(await fetch(`${server.url}/v1/completions`), 404);
    const ok = await post("/v1/completions", { model: "tiny", prompt: "still serving", max_tokens: 3, temperature: 0 });
    assert.equal(ok.status, 200);
});

test("the bounded queue answers 429 with Retry-After; the server keeps serving", async () => {
    const tooMany = await post("/v1/completions", { model: "tiny", prompt: "x", n: 3, max_tokens: 2 });
    assert.ok(Number(tooMany.headers.get("retry-after")) >= 1);
    assert.equal((await expectError(tooMany, 429)).type, "rate_limit_error");
    const flood = await Promise.all(Array.from({ length: 24 }, () => post("/v1/completions", { model: "tiny", prompt: "fever and cough", max_tokens: 60, temperature: 0 })));
    const statuses = flood.map((r) => r.status);
    assert.ok(statuses.includes(429), `some requests were refused: ${statuses.join(",")}`);
    assert.ok(statuses.filter((s) => s === 200).length >= 2);
    assert.deepEqual([...new Set(statuses)].sort(), [200, 429]);
    await Promise.all(flood.map((r) => r.arrayBuffer()));
    assert.equal((await post("/v1/completions", { model: "tiny", prompt: "x", max_tokens: 2 })).status, 200);
});

/** A prompt whose greedy answer runs to max_tokens (no EOS), so an early end can only be the disconnect. */
async function longPrompt(maxTokens: number): Promise<string> {
    for (const prompt of ["history of", "the patient", "chest pain", "fever", "pain", "blood"]) {
        const r = await (await post("/v1/completions", { model: "tiny", prompt, max_tokens: maxTokens, temperature: 0 })).json() as { choices: { finish_reason: string }[] };
        if (r.choices[0]!.finish_reason === "length") {
            return prompt;
        }
    }
    throw new Error("no prompt runs to max_tokens on this random model");
}

function generatedTokens(metrics: string): number {
    return Number(/mellama_generated_tokens_total\{model="tiny"\} (\d+)/.exec(metrics)?.[1] ?? 0);
}

test("a client that disconnects mid-stream frees its slot at once", async () => {
    const prompt = await longPrompt(240);
    const before = generatedTokens(await (await fetch(`${server.url}/metrics`)).text());
    await new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${server.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
            res.once("data", () => { req.destroy(); resolve(); });
        });
        req.on("error", () => undefined);
        req.end(JSON.stringify({ model: "tiny", prompt, max_tokens: 240, temperature: 0, stream: true }));
        setTimeout(() => reject(new Error("no first chunk")), 10_000).unref();
    });
    // maxBatch 1, maxQueue 1: the next request is admitted; the abandoned sequence stopped early.
    const next = await post("/v1/completions", { model: "tiny", prompt: "x", max_tokens: 2 });
    assert.equal(next.status, 200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const spent = generatedTokens(metrics) - before - ((await next.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens;
    assert.ok(spent < 240, `the abandoned stream generated ${spent} of 240 tokens`);
    assert.match(metrics, /mellama_queue_depth\{model="tiny"\} 0/);
    // maxBatch 1: every decode step decoded one sequence.
    const steps = /^mellama_decode_steps_total\{model="tiny"\} (\d+)$/m.exec(metrics)?.[1];
    assert.ok(steps !== undefined && Number(steps) > 0, "decode steps are counted");
    assert.match(metrics, new RegExp(`^mellama_decode_rows_total\\{model="tiny"\\} ${steps}$`, "m"));
});

test("kill -9 of a client process mid-stream: its slot is freed and the server keeps serving", async () => {
    const prompt = await longPrompt(240);
    const before = generatedTokens(await (await fetch(`${server.url}/metrics`)).text());
    const script = `const r = await fetch(${JSON.stringify(`${server.url}/v1/completions`)}, { method: "POST", headers: { "content-type": "application/json" },
        body: ${JSON.stringify(JSON.stringify({ model: "tiny", prompt, max_tokens: 240, temperature: 0, stream: true }))} });
        const reader = r.body.getReader(); await reader.read(); process.stdout.write("streaming\\n"); await new Promise(() => setInterval(() => {}, 1000));`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    let depth = "";
    for (let i = 0; i < 200 && depth !== "0"; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        depth = /mellama_queue_depth\{model="tiny"\} (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1] ?? "";
    }
    assert.equal(depth, "0");
    const spent = generatedTokens(await (await fetch(`${server.url}/metrics`)).text()) - before;
    assert.ok(spent < 240, `the killed client's stream generated ${spent} of 240 tokens`);
    assert.equal((await post("/v1/completions", { model: "tiny", prompt: "x", max_tokens: 2 })).status, 200);
});

test("/health, /metrics: Prometheus text with requests, tokens, queue depth and latency histograms", async () => {
    assert.deepEqual(await (await fetch(`${server.url}/health`)).json(), { status: "ok", models: ["tiny"] });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of ["mellama_requests_total", "mellama_prompt_tokens_total", "mellama_generated_tokens_total", "mellama_queue_depth",
        "mellama_time_to_first_token_seconds_bucket", "mellama_inter_token_latency_seconds_count", "mellama_request_duration_seconds_sum"]) {
        assert.match(text, new RegExp(`^${name}`, "m"), name);
    }
    assert.match(text, /mellama_requests_total\{route="\/v1\/completions",status="429"\} \d+/);
    assert.match(text, /le="\+Inf"/);
});

test("the access log names routes and statuses, never request or generated text", () => {
    assert.ok(logs.some((l) => /^POST \/v1\/completions 200 \d+ms$/.test(l)));
    for (const secret of ["fever and cough", "still serving", "history of"]) {
        assert.ok(!logs.some((l) => l.includes(secret)), secret);
    }
});

test("the request timeout ends a generation with a 408 error object", async () => {
    const slow = await startTestServer({ slow: {} }, { timeoutMs: 1 });
    const r = await fetch(`${slow.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "slow", prompt: "the patient", max_tokens: 200, temperature: 0 }) });
    const e = await expectError(r, 408);
    assert.equal(e.code, "request_timeout");
});

test("an API key is required on every route but / and /health; other addresses need one", async () => {
    const keyed = await startTestServer({ k: {} }, { apiKey: "s3cret" });
    assert.equal((await fetch(`${keyed.url}/health`)).status, 200);
    assert.equal((await fetch(`${keyed.url}/`)).status, 200);
    const denied = await fetch(`${keyed.url}/v1/models`);
    assert.equal((await expectError(denied, 401)).code, "invalid_api_key");
    assert.equal((await fetch(`${keyed.url}/metrics`, { headers: { authorization: "Bearer wrong" } })).status, 401);
    assert.equal((await fetch(`${keyed.url}/v1/models`, { headers: { authorization: "Bearer s3cret" } })).status, 200);
    await assert.rejects(serve({ host: "0.0.0.0", port: 0, models: [{ path: keyed.dirs.k! }] }), /--api-key/);
});
