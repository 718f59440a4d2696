/**
 * bench:tokenizer — encode throughput on ~10 MB of clinical text (MTSamples transcriptions repeated, one note
 * per line) for mellama and python3-sentencepiece on the same tokenizer.model, alternating, medians; once with the
 * real LLaMA-2 vocabulary (rebuilt from llama-tokenizer-js) and once with a small BPE model sentencepiece trained.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readMtsamples } from "../src/eval/loaders/readMtsamples.js";
import { loadTokenizer } from "../src/tokenizer/loadTokenizer.js";
import { serializeSentencePieceModel } from "../src/tokenizer/sentencepieceModel.js";
import { dataDir } from "../src/util/dataDir.js";
import { llama2Model } from "../test/tokenizer/llama2Vocabulary.js";
import { median, writeBenchResults } from "./lib/benchResults.js";

const fixtureModel = fileURLToPath(new URL("../test/fixtures/tokenizer/llama_like.model", import.meta.url));
const notes = readMtsamples(join(dataDir(), "mtsamples", "mtsamples.csv"), () => undefined).map((r) => r.transcription.replace(/\n/g, " "));
const target = 10 * 1024 * 1024;
const lines: string[] = [];
let bytes = 0;
for (let i = 0; bytes < target; i++) {
    const note = notes[i % notes.length]!;
    lines.push(note);
    bytes += Buffer.byteLength(note) + 1;
}
const dir = mkdtempSync(join(tmpdir(), "bench-tok-"));
const textPath = join(dir, "notes.txt");
writeFileSync(textPath, lines.join("\n"));
const rounds = process.argv.includes("--quick") ? 2 : 3;
const python = "/usr/bin/python3";
const havePython = existsSync(python) && spawnSync(python, ["-c", "import sentencepiece"]).status === 0;
// The real LLaMA-2 vocabulary (32000 pieces, from llama-tokenizer-js) written as a tokenizer.model, so both sides
// load the same file; and the small BPE model python3-sentencepiece trained on the shared data.
const llama2Path = join(dir, "llama2.model");
writeFileSync(llama2Path, serializeSentencePieceModel(llama2Model()));
const models = [
    { name: "LLaMA-2 vocabulary (32000)", path: llama2Path, label: "llama-2 vocabulary from llama-tokenizer-js, written by mellama" },
    { name: "small BPE (3000)", path: fixtureModel, label: "test/fixtures/tokenizer/llama_like.model" },
];

const rows = [];
for (const m of models) {
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < rounds; r++) {
        // A fresh tokenizer each round: its word cache starts empty, as sentencepiece's state does.
        const tokenizer = loadTokenizer(m.path);
        const t0 = performance.now();
        let tokens = 0;
        for (const line of lines) {
            tokens += tokenizer.encode(line).length;
        }
        const s = (performance.now() - t0) / 1000;
        mine.push(bytes / s / 1e6);
        process.stderr.write(`${m.name} mellama: ${(bytes / s / 1e6).toFixed(2)} MB/s (${tokens} tokens)\n`);
        if (havePython) {
            const out = spawnSync(python, [fileURLToPath(new URL("../reference/py/bench_tokenizer_spm.py", import.meta.url)), m.path, textPath, "1"], { encoding: "utf8" });
            const run = JSON.parse(out.stdout.trim().split("\n").pop()!) as { seconds: number; bytes: number; tokens: number };
            theirs.push(run.bytes / run.seconds / 1e6);
            process.stderr.write(`${m.name} sentencepiece: ${(run.bytes / run.seconds / 1e6).toFixed(2)} MB/s (${run.tokens} tokens)\n`);
        }
    }
    const value = median(mine);
    const anchor = havePython ? median(theirs) : null;
    rows.push({
        name: `encode throughput, 10 MB clinical notes, ${m.name}`, unit: "MB/s", value, anchor: havePython ? "python3-sentencepiece (same .model)" : null,
        anchorValue: anchor, ratio: anchor === null ? null : value / anchor, config: { bytes, lines: lines.length, rounds, model: m.label },
    });
}
writeBenchResults("tokenizer", rows);
