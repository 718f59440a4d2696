import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { lmFromGenerator } from "../../../src/eval/backends/lmFromGenerator.js";
import { readCases } from "../../../src/eval/tasks/diagnosis/readCases.js";
import { acceptedKeys, matchesGold } from "../../../src/eval/tasks/diagnosis/normalizeDiagnosis.js";
import { SYNTHETIC_CASES } from "../../../src/eval/tasks/diagnosis/diagnosis.js";
import { getTask } from "../../../src/eval/tasks/registry.js";
import { evaluate } from "../../../src/eval/run/evaluate.js";
import type { SampleRecord } from "../../../src/eval/run/ResultsJson.js";
import { FormatError } from "../../../src/errors/MellamaError.js";
import { runCli } from "../../helpers/runCli.js";

const SECRET = "Zebrafinch-presentation-text";

function tempDir(t: { after(fn: () => void): void }): string {
    const dir = mkdtempSync(join(tmpdir(), "mellama-diagnosis-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
}

const line = (o: unknown): string => `${JSON.stringify(o)}\n`;

test("the shipped synthetic cases: at least 30, unique ids, synonyms, marked synthetic, each gold matched by its own wording", () => {
    const cases = readCases(SYNTHETIC_CASES, (l, reason) => assert.fail(`line ${l}: ${reason}`));
    assert.ok(cases.length >= 30);
    assert.equal(new Set(cases.map((c) => c.id)).size, cases.length);
    for (const c of cases) {
        assert.ok(c.synonyms.length > 0 && c.icd10.length > 0, c.id);
        assert.match(c.source ?? "", /synthetic/i, c.id);
        const keys = acceptedKeys(c.diagnosis, [...c.synonyms, ...c.icd10]);
        assert.ok(matchesGold(c.diagnosis.toUpperCase(), keys) && c.synonyms.every((s) => matchesGold(s, keys)), c.id);
    }
});

test("bad cases are named by file and line with the defect, never the case text; --on-error fail refuses the file", (t) => {
    const dir = tempDir(t);
    const file = join(dir, "cases.jsonl");
    writeFileSync(file, line({ id: "a", presentation: SECRET, diagnosis: "Gout" })
        + line({ id: "b", presentation: SECRET })
        + line({ id: "c", presentation: "   ", diagnosis: "Gout" })
        + line({ id: "a", presentation: SECRET, diagnosis: "Gout" })
        + `{"id": "d", "presentation": "${SECRET}"\n`
        + line({ id: "e", presentation: SECRET, diagnosis: "Gout", synonyms: [1, 2] })
        + "\n"
        + line({ id: "f", presentation: SECRET, diagnosis: "Pseudogout", synonyms: "CPPD", icd10: ["M11.2"], date: "2024-01-01" }));
    const skipped: { line: number; reason: string }[] = [];
    const cases = readCases(file, (l, reason) => skipped.push({ line: l, reason }));
    assert.deepEqual(cases.map((c) => c.id), ["a", "f"]);
    assert.deepEqual(cases[1]!.synonyms, ["CPPD"]);
    assert.deepEqual(skipped.map((s) => s.line), [2, 3, 4, 5, 6]);
    assert.match(skipped[0]!.reason, /no gold diagnosis/);
    assert.match(skipped[1]!.reason, /"presentation" is empty/);
    assert.match(skipped[2]!.reason, /duplicate id \(first at line 1\)/);
    assert.match(skipped[3]!.reason, /not valid JSON/);
    assert.match(skipped[4]!.reason, /"synonyms"/);
    assert.ok(skipped.every((s) => !s.reason.includes(SECRET)));
    const r = runCli(["eval", "--model", "oracle", "--tasks", "diagnosis", "--cases", file, "--on-error", "fail", "--output", join(dir, "runs")], { MELLAMA_QUIET: "1" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^mellama: cases\.jsonl: line 2: no gold diagnosis/m);
    assert.ok(!r.stderr.includes(SECRET) && !r.stdout.includes(SECRET));
    const skip = runCli(["eval", "--model", "oracle", "--tasks", "diagnosis", "--cases", file, "--output", join(dir, "runs")], { MELLAMA_QUIET: "1" });
    assert.equal(skip.status, 0, skip.stderr);
    assert.match(skip.stderr, /skipped 5 malformed record\(s\), first at .*cases\.jsonl:2/);
    assert.ok(!skip.stderr.includes(SECRET));
    assert.throws(() => readCases(file, (l, reason) => { throw new FormatError("cases.jsonl", `line ${l}`, reason); }), /line 2/);
});

test("normalised matching: case, punctuation, diacritics, British spelling, possessives, abbreviations, word order; qualifiers kept", () => {
    const rows: [string, string, string[], boolean][] = [
        ["Graves' disease", "Graves disease", [], true],
        ["GRAVES DISEASE.", "Graves disease", [], true],
        ["Parkinson's disease", "Parkinson disease", [], true],
        ["hemolytic uremic syndrome", "Haemolytic uraemic syndrome", [], true],
        ["Behçet's disease", "Behcet disease", [], true],
        ["Guillain–Barré syndrome", "Guillain-Barre syndrome", [], true],
        ["meningitis, meningococcal", "Meningococcal meningitis", [], true],
        ["SLE", "Systemic lupus erythematosus", [], true],
        ["Systemic lupus erythematosus (SLE)", "SLE", [], true],
        ["MS", "Mitral stenosis", [], true],
        ["Multiple sclerosis (relapsing)", "Multiple sclerosis", [], true],
        ["A39.0", "Meningococcal meningitis", ["A39.0"], true],
        ["Temporal arteritis", "Giant cell arteritis", ["temporal arteritis"], true],
        ["Phaeochromocytoma", "Pheochromocytoma", [], true],
        ["pancreatitis", "Acute pancreatitis", [], false],
        ["Cholecystitis", "Acute cholecystitis", [], false],
        ["Lung cancer", "Small cell lung cancer", [], false],
        ["Hyperthyroidism", "Graves disease", [], false],
        ["Parkinsonism", "Parkinson disease", [], false],
    ];
    for (const [candidate, gold, synonyms, expected] of rows) {
        assert.equal(matchesGold(candidate, acceptedKeys(gold, synonyms)), expected, `${candidate} vs ${gold}`);
    }
});

/** Five hand-made cases whose scripted differentials put the gold at ranks 1, 3, none, 10 and (no list) none. */
function handCases(dir: string): string {
    const file = join(dir, "hand.jsonl");
    writeFileSync(file, ["Gout", "Sarcoidosis", "Addison disease", "Wilson disease", "Celiac disease"].map((d, i) =>
        line({ id: `h${i + 1}`, presentation: `${SECRET} ${i}`, diagnosis: d, synonyms: i === 4 ? ["coeliac disease"] : [] })).join(""));
    return file;
}

const OUTPUTS: Record<string, string> = {
    h1: "1. Gout\n2. Pseudogout\n3. Septic arthritis",
    h2: "1. Tuberculosis\n2. Lymphoma\n3. Sarcoidosis (pulmonary)\n4. Berylliosis",
    h3: "Hypothyroidism, depression, anorexia nervosa",
    h4: Array.from({ length: 9 }, (_, i) => `${i + 1}. Hepatitis type ${i + 1}`).join("\n") + "\n10. Wilson's disease\n11. Haemochromatosis",
    h5: "I cannot determine this.",
};

/** Judge replies per case and attempt: h2 is unreadable once, h3 always (unjudged), h4 answers in the line form. */
const JUDGE: Record<string, (attempt: number) => string> = {
    h1: () => '{"verdicts": [{"rank": 1, "verdict": "exact"}, {"rank": 2, "verdict": "related"}, {"rank": 3, "verdict": "wrong"}]}',
    h2: (a) => (a === 1 ? "Sure! Here are my verdicts" : '```json\n{"verdicts": ["wrong", "equivalent", "exact", "related"]}\n```'),
    h3: () => "I am unable to grade these.",
    h4: () => Array.from({ length: 10 }, (_, i) => `${i + 1}. ${i === 9 ? "exact" : "wrong"}`).join("\n"),
};

test("top-K accuracy by hand: ranks 1, 3, none, 10 and an empty answer; the LLM judge retries, records unjudged apart, and a rerun is all cache", async (t) => {
    const dir = tempDir(t);
    const cases = handCases(dir);
    let modelCalls = 0;
    let judgeCalls = 0;
    const model = lmFromGenerator("scripted-model", (_prompt, { docId }) => {
        modelCalls++;
        return Promise.resolve(OUTPUTS[docId!.split("/")[1]!]!);
    });
    const judge = lmFromGenerator("scripted-judge", (prompt) => {
        judgeCalls++;
        const id = Object.keys(OUTPUTS).find((k) => prompt.includes(`Final diagnosis: ${["Gout", "Sarcoidosis", "Addison disease", "Wilson disease"][Number(k.slice(1)) - 1]}\n`))!;
        const attempt = Number(/attempt (\d) of/.exec(prompt)?.[1] ?? 1);
        return Promise.resolve(JUDGE[id]!(attempt));
    });
    const run = () => evaluate({ lm: model, judge, tasks: ["diagnosis"], outputDir: join(dir, "runs"), runDir: join(dir, "runs", "one"),
        taskPaths: { diagnosis: cases }, progress: false, report: false });
    const { results, runDir } = await run();
    const r = results.results.diagnosis!;
    const expected: Record<string, number> = { top1_match: 1 / 5, top2_match: 1 / 5, top3_match: 2 / 5, top9_match: 2 / 5, top10_match: 3 / 5, missing: 1 / 5,
        // Judged: h1 (rank 1), h2 (equivalent at 2), h4 (exact at 10), h5 (nothing to judge); h3 unjudged.
        top1_llm: 1 / 4, top2_llm: 2 / 4, top9_llm: 2 / 4, top10_llm: 3 / 4, unjudged: 1 };
    for (const [metric, value] of Object.entries(expected)) {
        assert.ok(Math.abs((r[`${metric},none`] as number) - value) < 1e-12, `${metric}: ${r[`${metric},none`]} vs ${value}`);
    }
    assert.equal(modelCalls, 5);
    assert.equal(judgeCalls, 1 + 2 + 3 + 1, "h1 once, h2 twice, h3 three times (then unjudged), h4 once, h5 never");
    const samples = readFileSync(join(runDir, "samples_diagnosis.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as SampleRecord);
    const h3 = samples.find((s) => s.doc_id === "h3")!;
    assert.equal(h3.judge!.verdicts, null);
    assert.equal(h3.judge!.attempts, 3);
    assert.match(h3.judge!.error!, /no readable verdicts after 3/);
    assert.equal(h3.output, OUTPUTS.h3, "the raw output is kept");
    assert.deepEqual(samples.find((s) => s.doc_id === "h2")!.judge!.verdicts, ["wrong", "equivalent", "exact", "related"]);
    const details = results.details!.diagnosis as { judges: { match: { accuracy: number[]; ciLow: number[]; ciHigh: number[] } } };
    assert.deepEqual(details.judges.match.accuracy.map((v) => v * 5), [1, 1, 2, 2, 2, 2, 2, 2, 2, 3]);
    assert.ok(details.judges.match.ciLow.every((lo, i) => lo <= details.judges.match.accuracy[i]!
        && details.judges.match.ciHigh[i]! >= details.judges.match.accuracy[i]!));
    assert.deepEqual(results.timings.diagnosis!.judge, { cached: 0, requested: 7, unjudged: 1 });

    const again = await run();
    assert.equal(modelCalls, 5, "no answer recomputed");
    assert.equal(judgeCalls, 7, "no verdict recomputed");
    assert.deepEqual(again.results.timings.diagnosis!.judge, { cached: 7, requested: 0, unjudged: 1 });
    assert.deepEqual(again.results.results, results.results);
    assert.ok(getTask("diagnosis_cot").judge !== undefined);
});

test("mellama eval --tasks diagnosis --judge judge-oracle says the cases are synthetic, records the judge, and --resume sends nothing", (t) => {
    const dir = tempDir(t);
    const r = runCli(["eval", "--model", "oracle", "--tasks", "diagnosis", "--judge", "judge-oracle", "--limit", "6", "--output", dir], { MELLAMA_QUIET: "1" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /SYNTHETIC cases/);
    const runDir = r.stdout.trim();
    const first = JSON.parse(readFileSync(join(runDir, "results.json"), "utf8")) as { config: { judge?: string }; results: unknown; timings: { diagnosis: { judge: unknown } } };
    assert.equal(first.config.judge, "judge-oracle");
    assert.deepEqual(first.timings.diagnosis.judge, { cached: 0, requested: 6, unjudged: 0 });
    const resumed = runCli(["eval", "--resume", runDir], { MELLAMA_QUIET: "1" });
    assert.equal(resumed.status, 0, resumed.stderr);
    const again = JSON.parse(readFileSync(join(runDir, "results.json"), "utf8")) as typeof first & { timings: { diagnosis: { requested: number } } };
    assert.equal(again.timings.diagnosis.requested, 0);
    assert.deepEqual(again.timings.diagnosis.judge, { cached: 6, requested: 0, unjudged: 0 });
    assert.deepEqual(again.results, first.results);
    assert.match(readFileSync(join(runDir, "report.html"), "utf8"), /Diagnosis: diagnosis/);
});
