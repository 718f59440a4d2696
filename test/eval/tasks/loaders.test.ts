import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DatasetMissingError } from "../../../src/errors/DatasetMissingError.js";
import { FormatError } from "../../../src/errors/MellamaError.js";
import { getTask } from "../../../src/eval/tasks/registry.js";
import { FIXTURE_DATA } from "./taskFixtures.js";

const root = mkdtempSync(join(tmpdir(), "mellama-loaders-"));
after(() => rmSync(root, { recursive: true, force: true }));

const layout = fileURLToPath(new URL("../../fixtures/eval/layout/", import.meta.url));

test("a missing dataset names the task, the path looked at and the fetch command", async () => {
    const missing = join(tmpdir(), "mellama-no-such-data");
    await assert.rejects(getTask("mednli").loadDocs({ dataDir: missing, onError: "fail" }), (e: unknown) => {
        assert.ok(e instanceof DatasetMissingError);
        assert.equal(e.task, "mednli");
        assert.ok(e.message.includes(join(missing, "mednli/mli_test_v1.jsonl")));
        assert.ok(e.message.includes("mellama data fetch mednli"));
        return true;
    });
});

test("Me-LLaMA's {query, answer, choices, gold} layout loads from jsonl and parquet as the same docs", async () => {
    const task = getTask("pubmedqa");
    const fromJsonl = await task.loadDocs({ dataDir: FIXTURE_DATA, path: join(layout, "pubmedqa_test.jsonl"), onError: "fail" });
    const fromParquet = await task.loadDocs({ dataDir: FIXTURE_DATA, path: join(layout, "pubmedqa_test.parquet"), onError: "fail" });
    assert.equal(fromJsonl.length, 2);
    assert.deepEqual(fromParquet, fromJsonl);
    assert.deepEqual([fromJsonl[1]!.gold, fromJsonl[1]!.answer], [2, "maybe"]);
    assert.equal(task.processResult(fromJsonl[1]!, "Maybe.", "paper").scores.acc, 1);
});

test("malformed records: fail names file and line without the record's text; skip reports each and keeps the rest", async () => {
    const path = join(layout, "malformed.jsonl");
    await assert.rejects(getTask("pubmedqa").loadDocs({ dataDir: FIXTURE_DATA, path, onError: "fail" }), (e: unknown) => {
        assert.ok(e instanceof FormatError);
        assert.match(e.message, /malformed\.jsonl: line 2: not valid JSON/);
        assert.ok(!e.message.includes("PATIENT-SECRET"));
        return true;
    });
    const skipped: { line: number; reason: string }[] = [];
    const docs = await getTask("pubmedqa").loadDocs({ dataDir: FIXTURE_DATA, path, onError: "skip", onSkip: (w) => skipped.push(w) });
    assert.equal(docs.length, 2);
    assert.deepEqual(skipped.map((s) => s.line), [2, 3, 4]);
    assert.ok(skipped.every((s) => !s.reason.includes("PATIENT-SECRET")));
    assert.deepEqual(docs[1]!.gold, [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    // A cached second load reports the same skipped lines to its own onSkip.
    const again: number[] = [];
    await getTask("pubmedqa").loadDocs({ dataDir: FIXTURE_DATA, path, onError: "skip", onSkip: (w) => again.push(w.line) });
    assert.deepEqual(again, [2, 3, 4]);
});

test("original-format readers report bad records by line: MedNLI label, DDI tsv columns, MTSamples csv", async () => {
    const dir = mkdtempSync(join(root, "loaders-"));
    const mednli = join(dir, "mednli.jsonl");
    writeFileSync(mednli, [
        JSON.stringify({ pairID: "a", sentence1: "x", sentence2: "y", gold_label: "entailment" }),
        JSON.stringify({ pairID: "b", sentence1: "PATIENT-SECRET", sentence2: "y", gold_label: "-" }),
    ].join("\n"));
    const skipped: number[] = [];
    const docs = await getTask("mednli").loadDocs({ dataDir: dir, path: mednli, onError: "skip", onSkip: (w) => skipped.push(w.line) });
    assert.deepEqual([docs.length, skipped], [1, [2]]);
    const tsv = join(dir, "ddi.tsv");
    writeFileSync(tsv, "p1\t@DRUG$ with @DRUG$\tDDI-effect\np2\tno label column\np3\tx\tDDI-bogus\n");
    await assert.rejects(getTask("ddi2013").loadDocs({ dataDir: dir, path: tsv, onError: "fail" }), /ddi\.tsv: line 2: expected 3 tab-separated columns/);
    const lines: number[] = [];
    const ddi = await getTask("ddi2013").loadDocs({ dataDir: dir, path: tsv, onError: "skip", onSkip: (w) => lines.push(w.line) });
    assert.deepEqual([ddi.length, lines], [1, [2, 3]]);
});

test("docs are cached per file: a second load returns equal docs without re-reading", async () => {
    const task = getTask("hoc");
    const a = await task.loadDocs({ dataDir: FIXTURE_DATA, path: join(layout, "pubmedqa_test.jsonl"), onError: "fail" });
    const b = await task.loadDocs({ dataDir: FIXTURE_DATA, path: join(layout, "pubmedqa_test.jsonl"), onError: "fail" });
    assert.notEqual(a, b);
    assert.equal(a[0], b[0]);
});

test("i2b2 XML layout: PROBLEM/TEST/TREATMENT events become inline HTML per line; the oracle scores 1.0", async () => {
    const task = getTask("i2b2");
    const docs = await task.loadDocs({ dataDir: FIXTURE_DATA, path: join(FIXTURE_DATA, "i2b2_xml"), onError: "fail" });
    assert.deepEqual(docs.map((d) => d.answer), [
        "The patient reported <span class=\"problem\">fever</span> &amp; <span class=\"problem\">chills</span> .",
        "<span class=\"test\">A CT scan</span> showed <span class=\"problem\">a small abscess</span> , treated with <span class=\"treatment\">cefazolin</span> .",
    ]);
    for (const scoring of ["paper", "strict"] as const) {
        const metrics = task.aggregate(docs, docs.map((d) => task.processResult(d, d.answer, scoring)), scoring);
        assert.equal(metrics.f1!.value, 1);
    }
});

test("multiple-choice formats: MedMCQA opa..opd/cop (json array) and MedQA options as [{key, value}]", async () => {
    const dir = mkdtempSync(join(root, "mc-"));
    const mcqa = join(dir, "dev.json");
    writeFileSync(mcqa, JSON.stringify([
        { id: "q1", question: "Which vitamin is fat soluble", opa: "B1", opb: "C", opc: "K", opd: "B12", cop: 2, choice_type: "single" },
        { id: "q2", question: "Broken", opa: "x", cop: 1 },
    ]));
    const skipped: number[] = [];
    const docs = await getTask("medmcqa").loadDocs({ dataDir: dir, path: mcqa, onError: "skip", onSkip: (w) => skipped.push(w.line) });
    assert.deepEqual([docs.length, skipped, docs[0]!.answer, docs[0]!.gold], [1, [2], "C", 2]);
    assert.ok(docs[0]!.query.includes("Question: Which vitamin is fat soluble?\n\nOptions:\nA. B1\nB. C\nC. K\nD. B12\n\nThe answer is\n"));
    const medqa = join(dir, "medqa.jsonl");
    writeFileSync(medqa, `${JSON.stringify({ question: "Pick one.", answer_idx: "E",
        options: ["A", "B", "C", "D", "E"].map((key) => ({ key, value: `option ${key}` })) })}\n`);
    const [q] = await getTask("medqa").loadDocs({ dataDir: dir, path: medqa, onError: "fail" });
    assert.deepEqual([q!.gold, q!.choices.length], [4, 5]);
    assert.ok(q!.query.includes("Question: Pick one.\n\nOptions:\nA. option A\n"));
});

test("MTSamples csv: quoted multi-line fields parse, an unknown specialty is reported at its csv line", async () => {
    const dir = mkdtempSync(join(root, "mts-"));
    const csv = join(dir, "mtsamples.csv");
    writeFileSync(csv, "note_id,description,medical_specialty,sample_name,transcription,keywords\n"
        + "1,d, Urology,s,\"line one\nline two\",k\n2,d,Astrology,s,\"PATIENT-SECRET\",k\n3,d,Surgery,s,,k\n");
    const { readMtsamples } = await import("../../../src/eval/loaders/readMtsamples.js");
    const records = readMtsamples(csv, () => assert.fail("no malformed rows"));
    assert.deepEqual(records.map((r) => [r.id, r.specialty, r.transcription, r.line]),
        [["1", "Urology", "line one\nline two", 3], ["2", "Astrology", "PATIENT-SECRET", 4]]);
    const skipped: { line: number; reason: string }[] = [];
    const docs = await getTask("mtsample").loadDocs({ dataDir: dir, path: csv, onError: "skip", onSkip: (w) => skipped.push(w) });
    assert.equal(docs.length, 1);
    assert.deepEqual(skipped.map((s) => s.line), [4]);
    assert.ok(!skipped[0]!.reason.includes("PATIENT-SECRET") && !skipped[0]!.reason.includes("Astrology"));
});
