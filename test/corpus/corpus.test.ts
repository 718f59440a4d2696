import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { buildDocuments, packCorpus } from "../../src/corpus/buildCorpus.js";
import { parseCorpusConfig } from "../../src/corpus/CorpusConfig.js";
import { MinHashLsh } from "../../src/corpus/dedup.js";
import { findPhi, scanPhi } from "../../src/corpus/phi.js";
import { readDocuments } from "../../src/corpus/readers.js";
import { openMegatronIndexed } from "../../src/formats/shards/megatronIndexed.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { Rng } from "../../src/util/rng.js";
import { mellamaArgv } from "../helpers/runCli.js";
import { ConfigError, DegenerateResultError, FormatError } from "../../src/errors/MellamaError.js";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const tokenizerPath = `${fixtures}tokenizer/words.model`;
const sentence = (rng: Rng, n: number): string => Array.from({ length: n }, () => ["patient", "denies", "fever", "chest", "pain", "the", "was", "given",
    "aspirin", "daily", "history", "of", "hypertension", "and", "diabetes", "follow", "up", "in", "clinic", "weeks"][rng.int(20)]).join(" ");

function writeInputs(dir: string): void {
    const rng = new Rng(5);
    const general = Array.from({ length: 30 }, (_, i) => ` = Article ${i} = \n ${sentence(rng, 80)} . \n`).join("\n");
    writeFileSync(join(dir, "general.txt"), general);
    const notes = ["note_id,transcription", ...Array.from({ length: 20 }, (_, i) => `${i},"${sentence(rng, 60)}. Seen by Dr. Smith on 03/14/2021, call 555-123-4567."`)];
    writeFileSync(join(dir, "notes.csv"), `${notes.join("\n")}\n`);
    const abstracts = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `a${i}`, text: sentence(rng, 120) }));
    abstracts.push(JSON.stringify({ id: "dup", text: JSON.parse(abstracts[3]!).text }), "{not json");
    writeFileSync(join(dir, "abstracts.jsonl"), `${abstracts.join("\n")}\n`);
}

function config(dir: string, out: string): ReturnType<typeof parseCorpusConfig> {
    const path = join(dir, "corpus.json");
    writeFileSync(path, JSON.stringify({
        output: out, tokenizer: tokenizerPath, seqLen: 33, validationFraction: 0.05,
        sources: [
            { name: "abstracts", domain: "biomedical", format: "jsonl", path: "abstracts.jsonl" },
            { name: "notes", domain: "clinical", format: "csv", path: "notes.csv", column: "transcription" },
            { name: "wiki", domain: "general", format: "text", path: "general.txt" },
        ],
    }));
    return parseCorpusConfig(JSON.parse(readFileSync(path, "utf8")), path);
}

test("builds Megatron shards at 15:1:4 by tokens, removing duplicates and redacting PHI", async () => {
    const dir = mkdtempSync(join(tmpdir(), "corpus-"));
    writeInputs(dir);
    const cfg = config(dir, join(dir, "out"));
    const skipped: string[] = [];
    const stats = await buildDocuments(cfg, 0, 1, (l) => skipped.push(l));
    assert.equal(stats.skippedRecords, 1);
    assert.ok(skipped.some((l) => /abstracts\.jsonl:42: not valid JSON/.test(l)));
    assert.ok((stats.phi.name ?? 0) >= 20 && (stats.phi.date ?? 0) >= 20 && (stats.phi.phone ?? 0) >= 20);
    const docs = readFileSync(join(dir, "out", "docs", "shard-0-of-1.jsonl"), "utf8");
    assert.ok(!docs.includes("555-123-4567") && !docs.includes("Dr. Smith") && docs.includes("[PHONE]"));
    const manifest = await packCorpus(cfg, loadTokenizer(tokenizerPath), 1);
    assert.equal(manifest.duplicates.exact, 1);
    for (const d of ["biomedical", "clinical", "general"] as const) {
        assert.ok(Math.abs(manifest.domains[d]!.achievedShare - manifest.domains[d]!.targetShare) < 0.03, `${d} share`);
    }
    const train = openMegatronIndexed(join(dir, "out", "train"));
    assert.equal(train.numSequences, manifest.train.sequences);
    const seq = new Int32Array(33);
    train.read(0, seq);
    assert.ok(seq.every((t) => t >= 0 && t < 3000));
    train.close();
});

test("a 2-shard build merged holds the same sequences as a 1-shard build, and a rerun after kill -9 is byte-identical", async () => {
    const dir = mkdtempSync(join(tmpdir(), "corpus-"));
    writeInputs(dir);
    const one = config(dir, join(dir, "one"));
    await buildDocuments(one, 0, 1);
    await packCorpus(one, loadTokenizer(tokenizerPath), 1);
    const two = config(dir, join(dir, "two"));
    await buildDocuments(two, 0, 2);
    await buildDocuments(two, 1, 2);
    await packCorpus(two, loadTokenizer(tokenizerPath), 2);
    for (const f of ["train.bin", "train.idx", "validation.bin", "validation.idx"]) {
        assert.ok(readFileSync(join(dir, "one", f)).equals(readFileSync(join(dir, "two", f))), f);
    }
    // Kill the CLI mid-run, then run it again: the same bytes as the uninterrupted build.
    const killedOut = join(dir, "killed");
    const cfgPath = join(dir, "corpus.json");
    writeFileSync(cfgPath, readFileSync(cfgPath, "utf8").replace(join(dir, "two"), killedOut).replace(/"output":"[^"]*"/, `"output":${JSON.stringify(killedOut)}`));
    const child = spawn(process.execPath, [...mellamaArgv, "corpus", "build", cfgPath], { stdio: "ignore", env: { ...process.env, MELLAMA_QUIET: "1" } });
    const exited = new Promise((r) => child.on("exit", r));
    // Kill as soon as the run has started writing (the document stage), before it can finish.
    while (!existsSync(join(killedOut, "docs")) && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 5));
    }
    child.kill("SIGKILL");
    await exited;
    assert.ok(!existsSync(join(killedOut, "manifest.json")), "the first run must have been killed mid-way");
    const rerun = spawn(process.execPath, [...mellamaArgv, "corpus", "build", cfgPath], { stdio: "ignore", env: { ...process.env, MELLAMA_QUIET: "1" } });
    assert.equal(await new Promise((r) => rerun.on("exit", r)), 0);
    for (const f of ["train.bin", "train.idx"]) {
        assert.ok(readFileSync(join(killedOut, f)).equals(readFileSync(join(dir, "one", f))), `${f} after kill -9`);
    }
    assert.ok(!existsSync(join(killedOut, "docs", "shard-0-of-1.jsonl.tmp")));
    rmSync(dir, { recursive: true, force: true });
});

test("MinHash-LSH finds planted near-duplicates and leaves distinct documents alone", () => {
    const rng = new Rng(9);
    const lsh = new MinHashLsh();
    const base = Array.from({ length: 40 }, () => sentence(rng, 150));
    base.forEach((d) => assert.equal(lsh.addOrMatch(d), -1));
    let found = 0;
    for (let i = 0; i < 40; i++) {
        const words = base[i]!.split(" ");
        words[rng.int(words.length)] = "edited";
        if (lsh.addOrMatch(words.join(" ")) === i) {
            found++;
        }
    }
    assert.ok(found >= 36, `found ${found} of 40 one-word edits`);
});

test("the PHI detector's precision and recall on a generated set", (t) => {
    const rng = new Rng(11);
    const first = ["John", "Maria", "Wei", "Aisha", "Peter"];
    const makers: [string, () => string][] = [
        ["name", () => `Dr. ${first[rng.int(5)]}`], ["date", () => `${1 + rng.int(12)}/${1 + rng.int(28)}/20${10 + rng.int(15)}`],
        ["phone", () => `(${200 + rng.int(700)}) ${200 + rng.int(700)}-${1000 + rng.int(9000)}`], ["email", () => `pt${rng.int(999)}@example.org`],
        ["ssn", () => `${100 + rng.int(800)}-${10 + rng.int(80)}-${1000 + rng.int(8000)}`], ["mrn", () => `MRN: ${1000000 + rng.int(8000000)}`],
        ["url", () => `https://portal.example.org/p/${rng.int(9999)}`], ["address", () => `${1 + rng.int(999)} Oak Street`],
    ];
    let tp = 0;
    let fn = 0;
    let fp = 0;
    for (let i = 0; i < 400; i++) {
        const [category, make] = makers[i % makers.length]!;
        const value = make();
        const text = `The patient was seen today. ${category === "name" ? "Attending" : "Contact"} ${value} for follow up in 2 weeks, dose 5 mg.`;
        const found = findPhi(text);
        const at = text.indexOf(value);
        if (found.some((f) => f.category === category && f.start <= at && f.end >= at + value.length - 1)) {
            tp++;
        } else {
            fn++;
        }
        fp += found.filter((f) => f.end <= at || f.start >= at + value.length).length;
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    t.diagnostic(`PHI detector on 400 generated notes: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
    assert.ok(recall > 0.95 && precision > 0.95, `precision ${precision} recall ${recall}`);
    assert.equal(scanPhi("Seen [**First Name (Titles) 123**] on [**2101-3-4**].", "redact").text, "Seen [NAME] on [DATE].");
});

test("PubMed XML (plain and .gz) is read by PMID; a truncated .gz names the file and how far it got", async () => {
    const dir = mkdtempSync(join(tmpdir(), "corpus-"));
    const xml = readFileSync(`${fixtures}corpus/pubmed_sample.xml`);
    const gz = join(dir, "pubmed.xml.gz");
    writeFileSync(gz, gzipSync(xml));
    const docs = [];
    for await (const d of readDocuments({ format: "pubmed-xml", path: gz, onBad: () => undefined })) {
        docs.push(d);
    }
    assert.deepEqual(docs.map((d) => d.id), ["10000001", "10000002"]);
    assert.ok(docs[0]!.text.startsWith("Aspirin and cardiovascular events"));
    const truncated = join(dir, "cut.xml.gz");
    writeFileSync(truncated, gzipSync(Buffer.concat([xml, xml, xml])).subarray(0, 300));
    await assert.rejects(async () => {
        for await (const d of readDocuments({ format: "pubmed-xml", path: truncated, onBad: () => undefined })) {
            void d;
        }
    }, (error: unknown) => error instanceof FormatError && error.message.includes("cut.xml.gz") && /truncated|malformed/.test(error.message));
});

test("markers carry what made them: a changed phi.mode rebuilds; corrupt or truncated documents files, 0 shards and an empty corpus are refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "corpus-"));
    try {
        writeInputs(dir);
        const out = join(dir, "out");
        const flag = { ...config(dir, out), phi: { mode: "flag" as const } };
        await buildDocuments(flag, 0, 1);
        await packCorpus(flag, loadTokenizer(tokenizerPath), 1);
        assert.ok(readFileSync(join(out, "docs", "shard-0-of-1.jsonl"), "utf8").includes("555-123-4567"), "flag mode keeps the text");
        const redact = config(dir, out);
        const lines: string[] = [];
        await buildDocuments(redact, 0, 1, (l) => lines.push(l));
        assert.ok(lines.some((l) => /built before with different phi; rebuilding/.test(l)));
        assert.ok(!readFileSync(join(out, "docs", "shard-0-of-1.jsonl"), "utf8").includes("555-123-4567"), "redacted after the rebuild");
        const manifest = await packCorpus(redact, loadTokenizer(tokenizerPath), 1);
        assert.equal(manifest.config.phi.mode, "redact", "the pack was redone from the new documents");

        await assert.rejects(packCorpus(redact, loadTokenizer(tokenizerPath), 0), (e: unknown) => e instanceof ConfigError && /--shards: must be .* \(at least 1\)/.test(e.message));

        const docsFile = join(out, "docs", "shard-0-of-1.jsonl");
        const whole = readFileSync(docsFile, "utf8");
        rmSync(join(out, "manifest.json"));
        writeFileSync(docsFile, whole.slice(0, Math.floor(whole.length * 0.6)).replace(/\n[^\n]*$/, "\n"));
        await assert.rejects(packCorpus(redact, loadTokenizer(tokenizerPath), 1), (e: unknown) => e instanceof FormatError && /do not match its marker/.test(e.message));
        writeFileSync(docsFile, whole.replace(/\n/, "\nSECRET-CANARY-NOTE patient text\n"));
        await assert.rejects(packCorpus(redact, loadTokenizer(tokenizerPath), 1),
            (e: unknown) => e instanceof FormatError && /shard-0-of-1\.jsonl: line 2: is not a document record/.test(e.message) && !e.message.includes("CANARY"));
        assert.ok(!existsSync(join(out, "manifest.json")) && !existsSync(join(out, ".mellama.lock")));

        const empty = { ...config(dir, join(dir, "empty")), sources: [{ ...redact.sources[0]!, path: join(dir, "nothing.jsonl") }] };
        writeFileSync(join(dir, "nothing.jsonl"), "");
        await buildDocuments(empty, 0, 1);
        await assert.rejects(packCorpus(empty, loadTokenizer(tokenizerPath), 1), (e: unknown) => e instanceof DegenerateResultError && /no document survived/.test(e.message));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
