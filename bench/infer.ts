/**
 * bench:infer — mellama's inference against llama.cpp (node-llama-cpp's prebuilt CPU binary) on the same files,
 * in the same run, alternating, medians of several repetitions (all samples in each row's config).
 *
 *   small  tiny15m F32 and small110m F16 GGUF: decode 1 thread, prefill 256 at 2 threads, 8 sequences at once
 *          (lib/inferSmall.ts; in this process).
 *   7b     LLaMA-2-7B shape, random weights written by the bench: Q8_0 GGUF, F16 GGUF, BF16 Hugging Face directory,
 *          Q4_K_M and Q4_0 GGUFs (llama.cpp's per-tensor mixture).
 *          Decode batch 1 and prefill of 128 tokens at 2 threads, time to first token from a fresh process, peak
 *          RSS against the weights' size, decode as a fraction of the read-bandwidth limit (lib/inferLarge.ts; one
 *          process per engine and round).
 *   13b    LLaMA-2-13B shape Q8_0 and Q4_K_M GGUFs: loads, decodes 8 tokens; peak RSS against the file size.
 *
 * Flags: --quick (fewer repetitions), --only small|7b|13b (comma-separated for several), --formats
 * q8_0,f16,bf16,q4_k_m,q4_0 (which 7B files; of these, q8_0 and q4_k_m apply to 13b too), --shape PRESET (run the
 * 7b/13b parts on a small preset, e.g. tiny15m, to try the path in seconds: results are printed, not saved),
 * --force-anchor (run llama.cpp on 13B Q8_0 even where its expected peak RSS, about 2.1x the file, exceeds the
 * machine's memory). Writing the 7B files takes minutes and up to 27 GB of disk (the F16 GGUF and the BF16
 * directory at once); 13B Q8_0 takes 14 GB, 13B Q4_K_M 8 GB. Results: bench/results/infer.json, the rows of the
 * parts run replacing that part's earlier rows (with --formats, only the rows measured).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { saveTokenizer } from "../src/tokenizer/saveTokenizer.js";
import { loadSentencePieceTokenizer } from "../src/tokenizer/loadTokenizer.js";
import { PieceType } from "../src/tokenizer/Tokenizer.js";
import { type BenchRow, printBenchTable, writeBenchResults } from "./lib/benchResults.js";
import { benchLarge } from "./lib/inferLarge.js";
import { benchSmall } from "./lib/inferSmall.js";
import { cpuInfo } from "./lib/machine.js";
import type { RandomFileKind } from "./lib/randomLlama.js";

const PARTS = ["small", "7b", "13b"] as const;
type Part = (typeof PARTS)[number];
const FORMATS: Record<string, RandomFileKind> = { q8_0: "gguf-q8_0", f16: "gguf-f16", bf16: "hf-bf16", q4_k_m: "gguf-q4_k_m", q4_0: "gguf-q4_0" };

function flag(name: string): string | undefined {
    const i = process.argv.indexOf(name);
    if (i < 0) {
        return undefined;
    }
    const v = process.argv[i + 1];
    if (v === undefined || v.startsWith("--")) {
        throw new Error(`bench:infer: ${name} needs a value`);
    }
    return v;
}

function list<T extends string>(name: string, allowed: readonly T[], all: readonly T[]): T[] {
    const v = flag(name);
    if (v === undefined) {
        return [...all];
    }
    const items = v.split(",");
    const bad = items.filter((x) => !allowed.includes(x as T));
    if (bad.length > 0) {
        throw new Error(`bench:infer: ${name} takes ${allowed.join(", ")} (comma-separated), got ${bad.join(", ")}`);
    }
    return allowed.filter((x) => items.includes(x)); // canonical order
}

const quick = process.argv.includes("--quick");
const parts = list<Part>("--only", PARTS, PARTS);
const kinds = list("--formats", Object.keys(FORMATS), Object.keys(FORMATS)).map((f) => FORMATS[f]!);
const LARGE_13B_KINDS: readonly RandomFileKind[] = ["gguf-q8_0", "gguf-q4_k_m"];
const shape = flag("--shape");
const dir = mkdtempSync(join(tmpdir(), "mellama-bench-infer-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => process.exit(130)); // through the exit handler: the 7B files must not be left behind
}

// A 32000-piece tokenizer: the fixture's pieces padded with unused ones, so vocabulary and lm_head have LLaMA-2's size.
const fixture = loadSentencePieceTokenizer(fileURLToPath(new URL("../test/fixtures/tokenizer/llama_like.model", import.meta.url))).model;
const pieces = [...fixture.pieces];
for (let i = pieces.length; i < 32000; i++) {
    pieces.push({ piece: `<unused${i}>`, score: 0, type: PieceType.UNUSED });
}
const tokDir = join(dir, "tok");
saveTokenizer(tokDir, { ...fixture, pieces, trainer: { ...fixture.trainer, vocabSize: pieces.length } });
const tokenizerModel = join(tokDir, "tokenizer.model");
const vocab = {
    pieces, bosId: fixture.trainer.bosId, eosId: fixture.trainer.eosId, unkId: fixture.trainer.unkId, padId: fixture.trainer.padId, addBos: true, addEos: false,
};
// No BOS/EOS in prompts; every step is timed whatever token comes out.
const prompt = Array.from({ length: 256 }, (_, i) => 3 + ((i * 7919) % (fixture.pieces.length - 3)));

const cpu = cpuInfo();
const common = { cpu: cpu.model, cores: cpu.cores, cpuFlags: cpu.flags };
const rows: BenchRow[] = [];
for (const part of parts) {
    if (part === "small") {
        rows.push(...await benchSmall({ reps: quick ? 3 : 5, dir, tokenizerModel, fixturePieces: fixture.pieces.length, common }));
    } else {
        rows.push(...await benchLarge({
            part, preset: shape ?? (part === "7b" ? "llama2-7b" : "llama2-13b"), kinds: part === "7b" ? kinds : kinds.filter((k) => LARGE_13B_KINDS.includes(k)),
            quick, forceAnchor: process.argv.includes("--force-anchor"), dir, vocab, tokenizerModel, prompt, common: { ...common, ...(quick ? { quick: true } : {}) },
        }));
    }
}

if (shape !== undefined) {
    printBenchTable(rows);
    process.stdout.write(`--shape ${shape}: a trial of the path, not saved\n`);
} else {
    // A row measured now replaces the row of that name; a part run in full (7b: all formats) replaces all its old
    // rows; the rest stay as they were (rows from before parts existed are the small ones).
    const path = fileURLToPath(new URL("./results/infer.json", import.meta.url));
    const old = existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) as BenchRow[] : [];
    const partOf = (r: BenchRow): Part => (r.config.part ?? "small") as Part;
    const full = parts.filter((p) => p === "small" || flag("--formats") === undefined);
    const names = new Set(rows.map((r) => r.name));
    writeBenchResults("infer", [...old.filter((r) => !names.has(r.name) && !full.includes(partOf(r))), ...rows]
        .sort((x, y) => PARTS.indexOf(partOf(x)) - PARTS.indexOf(partOf(y))));
}
