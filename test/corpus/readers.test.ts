import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type Document, readDocuments, type SourceFormat } from "../../src/corpus/readers.js";

const fixtures = fileURLToPath(new URL("../fixtures/corpus/", import.meta.url));

async function read(format: SourceFormat, file: string, extra: { column?: string } = {}): Promise<{ docs: Document[]; bad: string[] }> {
    const bad: string[] = [];
    const docs: Document[] = [];
    for await (const doc of readDocuments({ format, path: `${fixtures}${file}`, ...extra, onBad: ({ file: f, line, reason }) => bad.push(`${f.split("/").pop()}:${line}: ${reason}`) })) {
        docs.push(doc);
    }
    return { docs, bad };
}

test("PMC JATS: title, abstract and body paragraphs; references, tables, figures, formulas and citation markers left out", async () => {
    const { docs, bad } = await read("pmc-jats", "pmc_article.nxml");
    assert.deepEqual(bad, []);
    assert.equal(docs.length, 1);
    const doc = docs[0]!;
    assert.equal(doc.id, "PMC9000001");
    assert.equal(doc.year, 2021);
    assert.equal(doc.language, "en");
    const lines = doc.text.split("\n");
    assert.equal(lines[0], "Statins after myocardial infarction: a cohort study");
    assert.ok(lines.includes("Introduction") && lines.includes("Results"));
    assert.ok(doc.text.includes("more than moderate-intensity regimens ."));
    assert.ok(doc.text.includes("Adherence & persistence were higher in the \u201Chigh\u201D group"));
    for (const left of ["TABLECAPTION", "TABLECELL", "FIGURECAPTION", "REFERENCE", "ACKNOWLEDGEMENT", "[1]", "Table 1", "Hand Written"]) {
        assert.ok(!doc.text.includes(left), `${left} should be left out`);
    }
});

test("PubMed XML: year and language; malformed XML reported by file and line without its text, earlier records kept", async () => {
    const good = await read("pubmed-xml", "pubmed_sample.xml");
    assert.equal(good.docs[0]!.language, "eng");
    const { docs, bad } = await read("pubmed-xml", "pubmed_malformed.xml");
    assert.deepEqual(docs.map((d) => [d.id, d.year]), [["10000011", 1999]]);
    assert.equal(bad.length, 1);
    assert.match(bad[0]!, /^pubmed_malformed\.xml:4: malformed XML/);
    assert.ok(!bad[0]!.includes("SECRETTEXT"));
});

test("note CSV: quoted multi-line fields kept, a malformed record reported by line and skipped", async () => {
    const { docs, bad } = await read("csv", "notes_bad.csv", { column: "transcription" });
    assert.deepEqual(docs.map((d) => d.id), ["1", "3"]);
    assert.equal(docs[0]!.text, "First note is fine, spanning\ntwo lines.");
    assert.equal(bad.length, 1);
    assert.match(bad[0]!, /^notes_bad\.csv:4: malformed CSV record/);
    assert.ok(!bad[0]!.includes("SECRETNOTE"));
});

test("onBytes reports every byte each reader reads, summing to sourceBytes (the progress bar's total), .gz and directories included", async () => {
    const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = await import("node:fs");
    const { gzipSync } = await import("node:zlib");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { sourceBytes } = await import("../../src/corpus/readers.js");
    const dir = mkdtempSync(join(tmpdir(), "mellama-bytes-"));
    try {
        const jsonl = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: i, text: `note ${i} ${"x".repeat(i % 200)}` })).join("\n");
        writeFileSync(join(dir, "a.jsonl"), jsonl);
        writeFileSync(join(dir, "a.jsonl.gz"), gzipSync(jsonl));
        writeFileSync(join(dir, "t.txt"), " = Title = \nsome text\n = Other = \nmore text\n".repeat(2000));
        mkdirSync(join(dir, "hoc", "sub"), { recursive: true });
        writeFileSync(join(dir, "hoc", "1.txt"), "one abstract\nsecond line");
        writeFileSync(join(dir, "hoc", "sub", "2.txt"), "another abstract");
        writeFileSync(join(dir, "hoc", "ignored.md"), "not read");
        writeFileSync(join(dir, "pqa.json"), JSON.stringify({ 1: { CONTEXTS: ["a", "b"] }, 2: { CONTEXTS: ["c"] } }));
        const cases: [SourceFormat, string, { column?: string }?][] = [
            ["jsonl", join(dir, "a.jsonl")], ["jsonl", join(dir, "a.jsonl.gz")], ["text", join(dir, "t.txt")], ["hoc", join(dir, "hoc")],
            ["pubmedqa", join(dir, "pqa.json")], ["csv", `${fixtures}notes_bad.csv`, { column: "transcription" }],
            ["pubmed-xml", `${fixtures}pubmed_sample.xml`], ["pmc-jats", `${fixtures}pmc_article.nxml`],
        ];
        for (const [format, path, extra] of cases) {
            let bytes = 0;
            for await (const doc of readDocuments({ format, path, ...extra, onBad: () => undefined, onBytes: (n) => { bytes += n; } })) {
                void doc;
            }
            assert.equal(bytes, sourceBytes(format, path), `${format} ${path.split("/").pop()}`);
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("text: blank lines separate documents until a ` = Title = ` heading; from there on headings do (wikitext)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-text-"));
    try {
        writeFileSync(join(dir, "plain.txt"), "first paragraph\nstill first\n\n\nsecond one\n  \nthird\n");
        const plain = [];
        for await (const d of readDocuments({ format: "text", path: join(dir, "plain.txt"), onBad: () => undefined })) {
            plain.push(d);
        }
        assert.deepEqual(plain.map((d) => d.text), ["first paragraph\nstill first", "second one", "third"]);
        writeFileSync(join(dir, "wiki.txt"), " \n = Alpha = \n one \n\n two \n = = Sub = = \n three \n = Beta = \n four \n");
        const wiki = [];
        for await (const d of readDocuments({ format: "text", path: join(dir, "wiki.txt"), onBad: () => undefined })) {
            wiki.push(d);
        }
        assert.deepEqual(wiki.map((d) => d.id), ["Alpha", "Beta"]);
        assert.match(wiki[0]!.text, /one[\s\S]*two[\s\S]*Sub[\s\S]*three/);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
