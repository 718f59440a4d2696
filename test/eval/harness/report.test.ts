import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import type { LM } from "../../../src/eval/api/LM.js";
import type { Doc } from "../../../src/eval/api/Task.js";
import { lmFromGenerator } from "../../../src/eval/backends/lmFromGenerator.js";
import { createOracleLM } from "../../../src/eval/backends/testBackends.js";
import { renderComparison, writeComparisonPage } from "../../../src/eval/report/renderComparison.js";
import { evaluate } from "../../../src/eval/run/evaluate.js";
import { FIXTURE_DATA } from "../tasks/taskFixtures.js";
import { chromiumSkip, launchChromium } from "../../helpers/launchChromium.js";

/** A small two-task run (fixtures only): answers alternate right and wrong, and one request fails. */
async function makeRun(out: string, name: string, wrongEvery: number): Promise<string> {
    let n = 0;
    const lm = (docs: ReadonlyMap<string, readonly Doc[]>): LM => {
        const oracle = createOracleLM(docs);
        return lmFromGenerator(name, async (prompt, { docId, maxTokens }) => {
            n++;
            if (n === 3) {
                throw new Error("HTTP 500");
            }
            if (n % wrongEvery === 0) {
                return "wrong";
            }
            const [r] = await oracle.generateUntil([{ prompt, until: [], maxTokens, temperature: 0, docId }]);
            return r?.ok === true ? r.text : "";
        });
    };
    const { runDir } = await evaluate({ lm, tasks: ["mednli", "emrqa"], outputDir: out, dataDir: FIXTURE_DATA, progress: false, modelSpec: name });
    return runDir;
}

test("report.html is self-contained; the comparison table lists models x task metrics", async (t) => {
    const out = mkdtempSync(join(tmpdir(), "mellama-report-"));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const a = await makeRun(out, "model-a", 2);
    const b = await makeRun(out, "model-b", 3);
    const html = readFileSync(join(a, "report.html"), "utf8");
    assert.doesNotMatch(html, /<(link|img|iframe)\b|src="http|href="http|@import/i, "no external resources");
    assert.match(html, /<svg class="chart"/);
    const page = writeComparisonPage(join(out, "compare.html"), [a, b], ["Model A", "Model B"]);
    const compare = readFileSync(page, "utf8");
    assert.match(compare, /Model A[\s\S]*Model B/);
    assert.match(compare, /mednli[\s\S]*macro_f1/);
    assert.match(renderComparison([]), /<table id="comparison">/);
});

test("report.html renders in headless Chromium: results table lists the tasks, filters work", { skip: chromiumSkip }, async (t) => {
    const out = mkdtempSync(join(tmpdir(), "mellama-report-"));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const runDir = await makeRun(out, "model-a", 2);
    const context = await launchChromium(t);
    const page = await context.newPage();
    const external: string[] = [];
    page.on("request", (r) => { if (!r.url().startsWith("file:")) { external.push(r.url()); } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(runDir, "report.html")).href);
    assert.deepEqual(await page.$$eval("#results tr[data-task]", (rows) => rows.map((r) => r.getAttribute("data-task"))), ["mednli", "emrqa"]);
    const total = await page.$$eval("#samples .sample", (els) => els.length);
    assert.ok(total > 0);
    await page.selectOption("#f-task", "emrqa");
    const tasks = await page.$$eval("#samples .sample", (els) => els.map((e) => e.getAttribute("data-task")));
    assert.ok(tasks.length > 0 && tasks.every((x) => x === "emrqa"));
    await page.selectOption("#f-task", "");
    for (const status of ["correct", "incorrect", "failed"]) {
        await page.selectOption("#f-status", status);
        const statuses = await page.$$eval("#samples .sample", (els) => els.map((e) => e.getAttribute("data-status")));
        assert.ok(statuses.length > 0, `some ${status} samples`);
        assert.ok(statuses.every((s) => s === status));
    }
    assert.equal(await page.$$eval("svg.chart", (els) => els.length), 2);
    const png = join(out, "report.png");
    await page.screenshot({ path: png, fullPage: true });
    assert.ok(readFileSync(png).subarray(1, 4).toString() === "PNG");
    assert.deepEqual(errors, []);
    assert.deepEqual(external, []);
});
