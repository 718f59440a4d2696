/**
 * The web page in headless Chromium (Debian's, through playwright-core): the page loads nothing from elsewhere;
 * a message is sent and the answer streams in (several chunks) and equals the API's answer; the rendered prompt
 * shows on request; Stop ends a long generation and frees its slot; an evaluation run opens with its report.
 * Screenshots go to MELLAMA_SCREENSHOTS (default <tmp>/mellama-serve-screenshots) for a person to look at.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createOracleLM } from "../../src/eval/backends/testBackends.js";
import { evaluate } from "../../src/eval/run/evaluate.js";
import { FIXTURE_DATA } from "../eval/tasks/taskFixtures.js";
import { startTestServer } from "./startTestServer.js";

const CHROMIUM = "/usr/bin/chromium";

test("the web page: chat with streaming, rendered prompt, stop, an evaluation run", {
    skip: existsSync(CHROMIUM) ? false : `chromium not found at ${CHROMIUM} (apt-get install chromium) — browser check skipped`, timeout: 90_000,
}, async (t) => {
    const runs = mkdtempSync(join(tmpdir(), "mellama-serve-runs-"));
    const profile = mkdtempSync(join(tmpdir(), "mellama-chromium-"));
    t.after(() => rmSync(runs, { recursive: true, force: true }));
    await evaluate({ lm: (docs) => createOracleLM(docs), tasks: ["mednli", "emrqa"], outputDir: runs, dataDir: FIXTURE_DATA, progress: false, modelSpec: "oracle" });
    // Reference kernels and a wider model: slow enough (a few ms a token) that Stop lands mid-generation.
    const server = await startTestServer({ tiny: { maxSeqLen: 1024, dim: 128, noEos: true } }, { runsDir: runs, kernels: "reference" });
    const shots = process.env.MELLAMA_SCREENSHOTS ?? join(tmpdir(), "mellama-serve-screenshots");
    mkdirSync(shots, { recursive: true });

    const { chromium } = await import("playwright-core");
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM, headless: true,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"],
    });
    // The browser first (bounded: one that does not close must not hold the suite), then its profile, with retries:
    // Chromium may still be writing it as it exits.
    t.after(async () => {
        await Promise.race([context.close(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    });
    const page = await context.newPage();
    const external: string[] = [];
    page.on("request", (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith("about:")) { external.push(r.url()); } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}/`);
    await page.waitForSelector("#model option[value=tiny]", { state: "attached" });

    // Send: the answer streams in and equals the API's answer to the same conversation.
    await page.fill("#temperature", "0");
    await page.fill("#max_tokens", "24");
    await page.check("#show-prompt");
    await page.fill("#input", "the patient has a fever");
    await page.click("#send");
    await page.waitForSelector(".msg.assistant[data-finish]");
    const answer = await page.textContent(".msg.assistant .text");
    const api = await (await fetch(`${server.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "the patient has a fever" }], max_tokens: 24, temperature: 0, top_p: 1 }) })).json() as
        { choices: { message: { content: string } }[] };
    assert.equal(answer, api.choices[0]!.message.content);
    assert.ok(Number(await page.getAttribute(".msg.assistant", "data-chunks")) > 1, "the answer arrived in several chunks");
    assert.equal(await page.getAttribute(".msg.assistant", "data-finish"), "length");
    assert.match(await page.textContent("#prompt-view") ?? "", /^<s>\[INST\] the patient has a fever \[\/INST\]$/);
    await page.screenshot({ path: join(shots, "chat.png"), fullPage: true });

    // Stop: a long generation ends at the click, and the server's slot is free again.
    await page.fill("#max_tokens", "1000");
    await page.fill("#input", "and a cough");
    await page.click("#send");
    // A locator, not waitForFunction: the page's CSP forbids eval, which a string predicate needs.
    await page.locator(".msg.assistant .text").nth(1).filter({ hasText: /\S/u }).waitFor();
    await page.click("#stop");
    await page.waitForSelector(".msg.assistant:nth-of-type(4)[data-finish]");
    assert.equal(await page.getAttribute(".msg.assistant:nth-of-type(4)", "data-finish"), "stopped");
    assert.equal(await page.textContent("#status"), "stopped");
    let depth = "";
    for (let i = 0; i < 100 && depth !== "0"; i++) {
        depth = /mellama_queue_depth\{model="tiny"\} (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1] ?? "";
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(depth, "0", "the stopped sequence left the batch");
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const generated = Number(/mellama_generated_tokens_total\{model="tiny"\} (\d+)/.exec(metrics)?.[1]);
    assert.ok(generated < 24 * 2 + 1000, `the stopped generation did not run to 1000 tokens (${generated} generated in all)`);
    await page.screenshot({ path: join(shots, "stopped.png"), fullPage: true });

    // Runs: the evaluation run is listed and opens with its report (results table per task).
    await page.click("#tab-runs");
    await page.waitForSelector("tr[data-run]");
    await page.click("tr[data-run]");
    const frame = page.frameLocator("#run-frame");
    await frame.locator("#results tr[data-task]").first().waitFor();
    assert.deepEqual(await frame.locator("#results tr[data-task]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-task"))), ["mednli", "emrqa"]);
    assert.ok(await frame.locator("#samples .sample").count() > 0);
    await page.screenshot({ path: join(shots, "runs.png"), fullPage: true });
    assert.equal(readFileSync(join(shots, "runs.png")).subarray(1, 4).toString(), "PNG");
    t.diagnostic(`screenshots: ${shots}`);
    assert.deepEqual(errors, []);
    assert.deepEqual(external, []);
});
