/**
 * Soak, bounded in time and loopback only: many requests (plain, streamed, streamed and abandoned, chat) from 16
 * clients, with the heap measured after a warm-up and at the end (after a full GC each time): it must not grow.
 * MELLAMA_SOAK_REQUESTS sets the count (default 1000 in the suite; the 10,000 is the same test run longer).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { startTestServer } from "./startTestServer.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const REQUESTS = Number(process.env.MELLAMA_SOAK_REQUESTS ?? 1000);
const server = await startTestServer({ tiny: {} }, { maxBatch: 16, maxQueue: 64, maxTokensLimit: 8 });

async function one(i: number): Promise<void> {
    const chat = i % 4 === 1;
    const stream = i % 3 === 0;
    const abandon = i % 10 === 0;
    const controller = new AbortController();
    const body = chat
        ? { model: "tiny", messages: [{ role: "user", content: `visit ${i % 97}` }], max_tokens: 6, stream, temperature: 0 }
        : { model: "tiny", prompt: `note ${i % 89}`, max_tokens: 6, stream, temperature: 0.7, seed: i };
    const r = await fetch(`${server.url}/v1/${chat ? "chat/completions" : "completions"}`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: controller.signal });
    assert.equal(r.status, 200);
    if (stream && abandon) {
        const reader = r.body!.getReader();
        await reader.read();
        controller.abort();
        await reader.cancel().catch(() => undefined);
        return;
    }
    await r.arrayBuffer();
}

async function run(from: number, to: number): Promise<number> {
    let next = from;
    await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < to) {
            await one(next++);
        }
    }));
    return next - from;
}

function heapMiB(): number {
    gc();
    gc();
    return process.memoryUsage().heapUsed / 2 ** 20;
}

test(`soak: ${REQUESTS} requests, no heap growth, still serving`, { timeout: 600_000 }, async () => {
    const warm = await run(0, Math.min(500, REQUESTS / 4));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const start = heapMiB();
    const done = await run(warm, REQUESTS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const end = heapMiB();
    process.stdout.write(`# soak: ${warm + done} requests, heap ${start.toFixed(1)} -> ${end.toFixed(1)} MiB\n`);
    assert.ok(end - start < 6, `heap grew ${(end - start).toFixed(1)} MiB over ${done} requests`);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /mellama_queue_depth\{model="tiny"\} 0/);
    const ok = await fetch(`${server.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "tiny", prompt: "x", max_tokens: 2 }) });
    assert.equal(ok.status, 200);
});
