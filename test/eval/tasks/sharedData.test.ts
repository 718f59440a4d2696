// Real sizes on the shared benchmark data (MELLAMA_DATA, default ../shared/data).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { recordErrors } from "../../../src/eval/loaders/recordErrors.js";
import { readDdiTsv, readDdiXml } from "../../../src/eval/loaders/readDdiXml.js";
import { mtsampleSplit, readMtsamples } from "../../../src/eval/loaders/readMtsamples.js";
import { getTask } from "../../../src/eval/tasks/registry.js";
import { dataDir } from "../../../src/util/dataDir.js";
import { skipWithoutData } from "./taskFixtures.js";

const root = dataDir();
const strict = recordErrors("test", { onError: "fail" });

async function count(task: string, path?: string): Promise<number> {
    return (await getTask(task).loadDocs({ dataDir: root, onError: "fail", ...(path === undefined ? {} : { path }) })).length;
}

test("test-set sizes: PubMedQA 500, MedQA 1273, MedMCQA 2816, DDI 5716 (XML and tsv), HoC 315, MTSample 999",
    { skip: skipWithoutData("pubmedqa", "medqa", "medmcqa", "ddi2013", "hoc", "mtsample") }, async () => {
    assert.equal(await count("pubmedqa"), 500);
    assert.equal(await count("medqa"), 1273);
    assert.equal(await count("medmcqa"), 2816);
    assert.equal(await count("ddi2013"), 5716);
    assert.equal(await count("ddi2013", join(root, "ddi2013/blurb_format/test.tsv")), 5716);
    assert.equal(await count("hoc"), 315);
    assert.equal(await count("mtsample"), 999);
});

test("DDI: the @DRUG$ sentences built from the XML charOffsets equal BLURB's tsv on every pair", { skip: skipWithoutData("ddi2013") }, () => {
    const xml = readDdiXml(join(root, "ddi2013/Test/Test for DDI Extraction task"), strict);
    const tsv = new Map(readDdiTsv(join(root, "ddi2013/blurb_format/test.tsv"), strict).map((p) => [p.id, p]));
    assert.equal(xml.length, 5716);
    const differing = xml.filter((p) => tsv.get(p.id)?.sentence !== p.sentence || tsv.get(p.id)?.label !== p.label);
    assert.equal(differing.length, 0);
    const labels: Record<string, number> = {};
    xml.forEach((p) => { labels[p.label] = (labels[p.label] ?? 0) + 1; });
    assert.deepEqual(labels, { "DDI-false": 4737, "DDI-effect": 360, "DDI-mechanism": 302, "DDI-advise": 221, "DDI-int": 96 });
});

test("HoC: abstracts grouped from BLUE's sentence tsv match the derived document-level file", { skip: skipWithoutData("hoc") }, async () => {
    const docs = await getTask("hoc").loadDocs({ dataDir: root, onError: "fail" });
    const derived = readFileSync(join(root, "hoc/blue_split/test_doclevel.jsonl"), "utf8").trim().split("\n")
        .map((l) => JSON.parse(l) as { pmid: string; text: string; answer: string });
    assert.deepEqual(docs.map((d) => [d.id, d.answer]), derived.map((r) => [`hoc-${r.pmid}`, r.answer]));
    assert.ok(docs.every((d, i) => d.query.includes(`INPUT: ${derived[i]!.text}\n`)));
});

test("MTSample: the seeded split is 999 / 500 / 3467 of the 4966 notes with a transcription, and is frozen", { skip: skipWithoutData("mtsample") }, () => {
    const records = readMtsamples(join(root, "mtsamples/mtsamples.csv"), strict);
    assert.equal(records.length, 4966);
    const [testSplit, valid, train] = (["test", "valid", "train"] as const).map((s) => mtsampleSplit(records, s));
    assert.deepEqual([testSplit!.length, valid!.length, train!.length], [999, 500, 3467]);
    assert.equal(new Set([...testSplit!, ...valid!, ...train!].map((r) => r.id)).size, 4966);
    const digest = createHash("sha256").update(testSplit!.map((r) => r.id).join(",")).digest("hex");
    // Changing the seed or the shuffle changes this digest: bump the mtsample task version and docs with it.
    assert.equal(digest, FROZEN_MTSAMPLE_TEST_IDS);
});

const FROZEN_MTSAMPLE_TEST_IDS = "c4f6320426e7398c064b671217449db99d64d9fadb0428d0240736f5287a1783";
