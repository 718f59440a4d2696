/**
 * The corpus stages with their per-document work on worker threads produce the same bytes as on the calling
 * thread: documents shard, marker statistics, shards and manifest, for several batches (with exact and near
 * duplicates spread across them) and for a pool shared by both stages or started by each stage itself; and the
 * one-pass single-shard build (buildCorpus) equals the two stages run one after the other.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { buildCorpus, buildDocuments, type CorpusRunOptions, packCorpus } from "../../src/corpus/buildCorpus.js";
import { type CorpusConfig, parseCorpusConfig } from "../../src/corpus/CorpusConfig.js";
import { CorpusWorkers } from "../../src/corpus/CorpusWorkers.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { Rng } from "../../src/util/rng.js";

const tokenizerPath = fileURLToPath(new URL("../fixtures/tokenizer/words.model", import.meta.url));
const WORDS = ["patient", "denies", "fever", "chest", "pain", "the", "was", "given", "aspirin", "daily", "history", "of", "hypertension", "and",
    "diabetes", "follow", "up", "in", "clinic", "weeks", "with", "that"];

function writeInputs(dir: string): void {
    const rng = new Rng(21);
    const sentence = (n: number): string => Array.from({ length: n }, () => WORDS[rng.int(WORDS.length)]).join(" ");
    const notes: string[] = [];
    for (let i = 0; i < 500; i++) {
        // Every 7th note repeats an earlier one, every 11th is an earlier one with one word changed.
        const text = i > 20 && i % 7 === 0 ? notes[i - 20]! : i > 20 && i % 11 === 0 ? `${notes[i - 15]!} edited` : `${sentence(40 + rng.int(200))}. Seen by Dr. Smith on 03/14/2021.`;
        notes.push(text);
    }
    writeFileSync(join(dir, "notes.jsonl"), notes.map((text, i) => JSON.stringify({ id: `n${i}`, text })).join("\n"));
    writeFileSync(join(dir, "abstracts.jsonl"), Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: `a${i}`, text: i % 50 === 9 ? "too short" : sentence(120) })).join("\n"));
}

function config(dir: string, out: string): CorpusConfig {
    return parseCorpusConfig({
        output: out, tokenizer: tokenizerPath, seqLen: 65, validationFraction: 0.05,
        sources: [
            { name: "abstracts", domain: "biomedical", format: "jsonl", path: "abstracts.jsonl" },
            { name: "notes", domain: "clinical", format: "jsonl", path: "notes.jsonl" },
        ],
    }, join(dir, "corpus.json"));
}

async function build(dir: string, name: string, options: CorpusRunOptions, onePass = false): Promise<Record<string, Buffer>> {
    const cfg = config(dir, join(dir, name));
    if (onePass) {
        await buildCorpus(cfg, loadTokenizer(tokenizerPath), () => undefined, options);
    } else {
        await buildDocuments(cfg, 0, 1, () => undefined, options);
        await packCorpus(cfg, loadTokenizer(tokenizerPath), 1, () => undefined, options);
    }
    const files: Record<string, Buffer> = {};
    for (const f of ["docs/shard-0-of-1.jsonl", "docs/shard-0-of-1.done", "train.bin", "train.idx", "validation.bin", "validation.idx"]) {
        files[f] = readFileSync(join(cfg.output, f));
    }
    files["manifest.json"] = Buffer.from(readFileSync(join(cfg.output, "manifest.json"), "utf8").replaceAll(join(dir, name), "OUT"));
    return files;
}

test("worker threads give byte-identical documents, statistics, shards and manifest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "corpus-workers-"));
    try {
        writeInputs(dir);
        const inline = await build(dir, "inline", { workers: 0 });
        const manifest = JSON.parse(inline["manifest.json"]!.toString()) as { duplicates: { exact: number; near: number } };
        assert.ok(manifest.duplicates.exact > 10 && manifest.duplicates.near > 5, JSON.stringify(manifest.duplicates));
        const own = await build(dir, "own", { workers: 2 });
        const cfg = config(dir, "unused");
        const pool = new CorpusWorkers(2, { quality: cfg.quality, phiMode: cfg.phi.mode, dedup: cfg.dedup });
        let shared: Record<string, Buffer>;
        let onePass: Record<string, Buffer>;
        try {
            shared = await build(dir, "shared", { pool });
            onePass = await build(dir, "onepass", { pool }, true);
        } finally {
            await pool.close();
        }
        const onePassInline = await build(dir, "onepass-inline", { workers: 0 }, true);
        for (const [name, files] of [["workers per stage", own], ["shared pool", shared], ["one pass", onePass], ["one pass inline", onePassInline]] as const) {
            for (const [f, bytes] of Object.entries(inline)) {
                assert.ok(files[f]!.equals(bytes), `${name}: ${f}`);
            }
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
