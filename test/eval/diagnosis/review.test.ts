import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { compareDiagnosisRuns } from "../../../src/eval/judges/compareDiagnosisRuns.js";
import { importReviews, readKey } from "../../../src/eval/judges/review/importReviews.js";
import { ReviewImportError } from "../../../src/eval/judges/review/ReviewImportError.js";
import { parseCsvRecords, reviewCsv } from "../../../src/eval/judges/review/reviewCsv.js";
import { cohenKappa, fleissKappa } from "../../../src/eval/metrics/kappa.js";
import type { ResultsJson } from "../../../src/eval/run/ResultsJson.js";
import { chromiumSkip, launchChromium } from "../../helpers/launchChromium.js";
import { runCli } from "../../helpers/runCli.js";
import { CASES, makeReviewPack, scriptedVerdict } from "./reviewFixture.js";

function tempDir(t: { after(fn: () => void): void }): string {
    const dir = mkdtempSync(join(tmpdir(), "mellama-review-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
}

/** A reviewer's template with the scripted verdicts filled in (all, or only every `every`-th row). */
function filledCsv(pack: string, reviewer: string, every = 1): string {
    const key = readKey(pack);
    const { records } = parseCsvRecords(readFileSync(join(pack, `${reviewer}.csv`), "utf8"));
    const [, ...rows] = records;
    return reviewCsv(rows.map(({ fields: [p, r, item, rank, candidate] }, i) => ({ pack: p!, reviewer: r!, item: item!, rank: Number(rank),
        candidate: candidate!, verdict: i % every === 0 ? scriptedVerdict(reviewer, key, item!, Number(rank)) : "", comment: i === 0 ? "comma, \"quote\"" : "" })));
}

test("export is blinded and shuffled; import of three reviewers gives clinician top-K equal to the match judge, and kappas computed on the stored verdicts", async (t) => {
    const dir = tempDir(t);
    const { runs, pack } = await makeReviewPack(dir, 3);
    const key = readKey(pack);
    const form = readFileSync(join(pack, "reviewer-1.html"), "utf8");
    assert.ok(!form.includes("model-a") && !form.includes("model-b"), "model names hidden");
    assert.doesNotMatch(form, /<(link|img|iframe)\b|src="http|href="http/i, "offline");
    assert.notDeepEqual(key.reviewers[0]!.order, key.reviewers[1]!.order, "each reviewer has their own order");
    assert.ok(key.items.some((it, i) => it.arm !== key.items[0]!.arm && i < key.items.length / 2), "ids are not grouped by model");
    const twice = runCli(["diagnosis", "review", "export", runs[0]!, "--reviewers", "2", "--out", pack], { MELLAMA_QUIET: "1" });
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /already holds a review pack/, "an existing pack (and its imported verdicts) is never overwritten");

    const files = ["reviewer-1", "reviewer-2", "reviewer-3"].map((r) => {
        const f = join(dir, `${r}-filled.csv`);
        writeFileSync(f, filledCsv(pack, r));
        return f;
    });
    const r = importReviews({ pack, files });
    assert.deepEqual(r.files.map((f) => [f.imported, f.missing, f.refused]),
        files.map(() => [key.items.reduce((s, it) => s + it.candidates.length, 0), 0, false]));
    const store = JSON.parse(readFileSync(join(pack, "verdicts.json"), "utf8")) as { verdicts: Record<string, Record<string, string>>; comments: Record<string, Record<string, string>> };
    for (const rev of ["reviewer-1", "reviewer-2", "reviewer-3"]) {
        for (const it of key.items) {
            it.candidates.forEach((_, i) => assert.equal(store.verdicts[rev]![`${it.item}|${i + 1}`], scriptedVerdict(rev, key, it.item, i + 1)));
        }
    }
    assert.ok(Object.values(store.comments["reviewer-1"]!).includes("comma, \"quote\""));
    runs.forEach((run, a) => {
        const results = JSON.parse(readFileSync(join(run, "results.json"), "utf8")) as ResultsJson;
        const d = results.details!.diagnosis as { judges: { match: unknown }; clinicians: { curves: Record<string, unknown>; consensus: unknown } };
        for (const rev of ["reviewer-1", "reviewer-2", "reviewer-3"]) {
            assert.deepEqual(d.clinicians.curves[rev], d.judges.match, `arm ${a} ${rev}: same verdicts, same curve and CIs`);
        }
        assert.deepEqual(d.clinicians.consensus, d.judges.match);
        const html = readFileSync(join(run, "report.html"), "utf8");
        assert.match(html, /clinicians \(consensus\)/);
        assert.match(html, /Fleiss, 3 reviewers/);
    });
    const units = key.items.flatMap((it) => it.candidates.map((_, i) => `${it.item}|${i + 1}`));
    const labels = (rev: string): string[] => units.map((u) => store.verdicts[rev]![u]!);
    const pair = r.results.agreement.find((x) => x.a === "reviewer-1" && x.b === "reviewer-2" && x.labels === "verdict")!;
    assert.equal(pair.kappa, cohenKappa(labels("reviewer-1"), labels("reviewer-2")));
    assert.ok(pair.kappa! < 1 && pair.kappaLow! <= pair.kappa! && pair.kappa! <= pair.kappaHigh!);
    assert.equal(pair.percent, labels("reviewer-1").filter((v, i) => v === labels("reviewer-2")[i]).length / units.length);
    assert.ok(pair.percentLow! <= pair.percent! && pair.percent! <= pair.percentHigh!);
    const fl = r.results.fleiss.find((x) => x.labels === "verdict")!;
    assert.equal(fl.kappa, fleissKappa(units.map((u) => ["reviewer-1", "reviewer-2", "reviewer-3"].map((rev) => store.verdicts[rev]![u]!))));
    for (const x of r.results.agreement.filter((y) => y.labels === "correct")) {
        assert.equal(x.kappa, 1, `${x.a} x ${x.b}: every rater reads correct / not correct alike`);
    }
    assert.ok(r.results.agreement.some((x) => x.a === "llm"), "the LLM judge is compared with each reviewer");
    // Both runs were reviewed in one pack: the paired comparison gains the clinicians' consensus as a judge.
    const { comparison } = compareDiagnosisRuns({ runA: runs[0]!, runB: runs[1]!, out: dir });
    assert.deepEqual(comparison.judges.map((j) => j.judge), ["match", "llm", "clinicians"]);
    const byJudge = new Map(comparison.judges.map((j) => [j.judge, j]));
    assert.deepEqual(byJudge.get("clinicians")!.rows, byJudge.get("match")!.rows, "consensus reads every case as the match judge does");
});

test("a malformed file is refused by file and line and loses nothing imported; a partial file imports its graded rows", async (t) => {
    const dir = tempDir(t);
    const { pack } = await makeReviewPack(dir, 2);
    const partial = join(dir, "partial.csv");
    writeFileSync(partial, filledCsv(pack, "reviewer-1", 2));
    const first = importReviews({ pack, files: [partial] });
    const total = readKey(pack).items.reduce((s, it) => s + it.candidates.length, 0);
    assert.equal(first.files[0]!.imported, Math.ceil(total / 2));
    assert.equal(first.files[0]!.missing, Math.floor(total / 2));
    assert.equal(first.files[0]!.firstMissingLine, 3);
    const before = readFileSync(join(pack, "verdicts.json"), "utf8");

    const lines = filledCsv(pack, "reviewer-2").split("\r\n");
    lines[4] = lines[4]!.replace(/,(exact|wrong|related|equivalent),/, ",maybe,");
    lines[6] = lines[6]!.replace(/,R\d+,/, ",R999,");
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, lines.join("\r\n"));
    const err = (() => {
        try {
            importReviews({ pack, files: [bad] });
        } catch (e) {
            return e;
        }
        return undefined;
    })();
    assert.ok(err instanceof ReviewImportError, String(err));
    assert.deepEqual(err.problems.map((p) => `${p.file}:${p.line}`), ["bad.csv:5", "bad.csv:7"]);
    assert.match(err.problems[0]!.reason, /verdict is not one of/);
    assert.match(err.problems[1]!.reason, /unknown item/);
    assert.equal(readFileSync(join(pack, "verdicts.json"), "utf8"), before, "nothing already imported is lost or changed");

    const cli = runCli(["diagnosis", "review", "import", pack, bad], { MELLAMA_QUIET: "1" });
    assert.equal(cli.status, 2);
    assert.match(cli.stderr, /^bad\.csv:5: verdict is not one of/m);
    assert.match(cli.stderr, /^mellama: 1 review file\(s\) refused/m);
    for (const c of CASES.values()) {
        assert.ok(!cli.stderr.includes(c.presentation.slice(0, 30)) && !cli.stderr.includes(c.diagnosis), "no case text in errors");
    }
    const skipped = runCli(["diagnosis", "review", "import", pack, bad, "--on-error", "skip"], { MELLAMA_QUIET: "1" });
    assert.equal(skipped.status, 0, skipped.stderr);
    const after = JSON.parse(readFileSync(join(pack, "verdicts.json"), "utf8")) as { verdicts: Record<string, Record<string, string>> };
    assert.equal(Object.keys(after.verdicts["reviewer-2"]!).length, total - 2);
    assert.equal(Object.keys(after.verdicts["reviewer-1"]!).length, Math.ceil(total / 2), "reviewer-1's earlier import kept");
});

test("the offline review form, filled in headless Chromium and saved, imports back to exactly the verdicts clicked", { skip: chromiumSkip }, async (t) => {
    const dir = tempDir(t);
    const { pack } = await makeReviewPack(dir, 1);
    const key = readKey(pack);
    const context = await launchChromium(t, { acceptDownloads: true });
    const page = await context.newPage();
    const external: string[] = [];
    page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("blob:")) { external.push(r.url()); } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(pack, "reviewer-1.html")).href);
    const order = key.reviewers[0]!.order;
    assert.deepEqual(await page.$$eval("section[data-item]", (els) => els.map((e) => e.getAttribute("data-item"))), order);
    const expected: Record<string, string> = {};
    for (const item of order) {
        const it = key.items.find((x) => x.item === item)!;
        for (let rank = 1; rank <= it.candidates.length; rank++) {
            const v = scriptedVerdict("reviewer-1", key, item, rank);
            expected[`${item}|${rank}`] = v;
            await page.check(`input[name="v-${item}-${rank}"][value="${v}"]`);
        }
    }
    await page.fill(`textarea[data-comment="${order[0]}"]`, "line one,\n\"two\"");
    assert.match(await page.textContent("#progress") ?? "", new RegExp(`^${Object.keys(expected).length} of ${Object.keys(expected).length} `));
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
    assert.equal(download.suggestedFilename(), `review-${key.packId}-reviewer-1.csv`);
    const saved = join(dir, "saved.csv");
    await download.saveAs(saved);
    const r = importReviews({ pack, files: [saved] });
    assert.equal(r.files[0]!.missing, 0);
    const store = JSON.parse(readFileSync(join(pack, "verdicts.json"), "utf8")) as { verdicts: Record<string, Record<string, string>>; comments: Record<string, Record<string, string>> };
    assert.deepEqual(store.verdicts["reviewer-1"], expected);
    assert.equal(store.comments["reviewer-1"]![order[0]!], "line one,\n\"two\"");

    // A fresh page on the same profile keeps the progress (localStorage); Load CSV restores it from the file too.
    const again = await context.newPage();
    await again.goto(pathToFileURL(join(pack, "reviewer-1.html")).href);
    await again.evaluate("localStorage.clear()");
    await again.reload();
    assert.equal(await again.$$eval("input[type=radio]:checked", (els) => els.length), 0);
    await again.setInputFiles("#load", saved);
    await again.waitForFunction("document.getElementById('status').textContent.startsWith('loaded')");
    assert.equal(await again.$$eval("input[type=radio]:checked", (els) => els.length), Object.keys(expected).length);
    assert.deepEqual(errors, []);
    assert.deepEqual(external, []);
});
