/**
 * bench:infer's real-size rows (issue 12's targets): LLaMA-2-7B shape as a Q8_0 GGUF, an F16 GGUF and a BF16
 * Hugging Face directory, and LLaMA-2-13B shape as a Q8_0 GGUF, all with random weights written here (randomLlama.ts)
 * into the bench's temp directory and deleted as soon as their rows are measured (one file at a time, except that
 * the F16 GGUF stays while the BF16 directory is measured: it is that directory's llama.cpp anchor, same weights).
 *
 * Each round spawns one fresh process per engine (inferChild.ts), alternating which goes first: time to first
 * token is spawn -> first token chosen (process start, module load, model load, a 8-token prompt), peak RSS is
 * that process's VmHWM, then batch-1 decode and 128-token prefill at 2 threads, context 512 on both sides. The
 * page cache is whatever the previous process left (not dropped: the machine is shared), the same for both
 * engines. Decode is also given as a fraction of the read-bandwidth limit, measured in the same run.
 * A model an engine cannot load costs its row a reason (`mellamaFailure` / `anchorMissing`), never the bench.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { GgufVocab } from "../../src/formats/gguf/llamaGguf.js";
import { type LlamaConfig, resolvePreset } from "../../src/model/LlamaConfig.js";
import { type BenchRow, median } from "./benchResults.js";
import type { ChildArgs, ChildResult } from "./inferChild.js";
import { procKiB } from "./machine.js";
import { type RandomFileKind, type RandomModelFile, STORAGE, describeFile, writeRandomLlama } from "./randomLlama.js";
import { type ChildOutcome, runChild } from "./runChild.js";

export interface LargeBenchOptions {
    part: "7b" | "13b";
    /** "llama2-7b" / "llama2-13b", or a small preset to try the same path quickly. */
    preset: string;
    kinds: readonly RandomFileKind[];
    quick: boolean;
    dir: string;
    vocab: GgufVocab;
    tokenizerModel: string;
    /** At least 128 token ids (no BOS or EOS). */
    prompt: readonly number[];
    /** Run llama.cpp even where its expected peak RSS exceeds the machine's memory. */
    forceAnchor: boolean;
    /** Fields every row's config carries (CPU, flags, commit). */
    common: Record<string, unknown>;
}

const THREADS = 2;
const CONTEXT = 512;
const PREFILL = 128;
const FIRST_PROMPT = 8;
/** The anchor column: llama.cpp on the same file, or (config.anchorOn) on another file of the same weights. */
const anchorName = (config: Record<string, unknown>): string => `llama.cpp (node-llama-cpp, ${typeof config.anchorOn === "string" ? config.anchorOn : "same file"})`;
const ANCHOR_SETTINGS = "node-llama-cpp 3 defaults: F16 KV cache, flash attention auto, mmap, batch size 512; contextSize 512, threads 2";
const MELLAMA_SETTINGS = "loadForInference(path, {threads: 2, maxContext: 512, prefillChunk: 128, maxBatch: 1}); KV cache F32";
const FORMAT_NAME: Record<RandomFileKind, string> = {
    "gguf-q8_0": "Q8_0 GGUF", "gguf-f16": "F16 GGUF", "hf-bf16": "BF16 HF dir", "gguf-q4_k_m": "Q4_K_M GGUF", "gguf-q4_0": "Q4_0 GGUF",
};

interface Samples { decode: number[]; prefill: number[]; ttft: number[]; rss: number[]; load: number[]; failure?: string }

function collect(outcomes: readonly ChildOutcome[]): Samples {
    const s: Samples = { decode: [], prefill: [], ttft: [], rss: [], load: [] };
    for (const o of outcomes) {
        if (!o.ok) {
            s.failure = o.reason;
            continue;
        }
        const r: ChildResult = o.result;
        s.decode.push(...r.decode);
        s.prefill.push(...r.prefill);
        if (o.firstTokenWallS !== null) {
            s.ttft.push(o.firstTokenWallS);
        }
        s.load.push(r.loadMs / 1000);
        if (r.vmHwm !== null) {
            s.rss.push(r.vmHwm);
        }
    }
    return s;
}

const round3 = (xs: readonly number[]): number[] => xs.map((x) => Number(x.toPrecision(4)));
const med = (xs: readonly number[]): number | null => (xs.length === 0 ? null : median(xs));

interface Bandwidth { gbs: number | null; samples: number[]; failure?: string }

/** GB/s of the native sumSquares over 1 GiB at 2 threads, in its own process (the parent stays small). */
async function measureBandwidth(): Promise<Bandwidth> {
    const o = await runChild({ mode: "bandwidth", threads: THREADS }, 300);
    const bw: Bandwidth = o.ok ? { gbs: med(o.result.bandwidth), samples: round3(o.result.bandwidth) } : { gbs: null, samples: [], failure: o.reason };
    process.stderr.write(`  read bandwidth, ${THREADS} threads: ${bw.gbs === null ? `not measured (${bw.failure ?? "?"})` : `${bw.gbs.toFixed(1)} GB/s`}\n`);
    return bw;
}

/**
 * Measured before and after the rounds; the higher median is the machine's limit (other load on a shared machine
 * only lowers it; one reading taken in a busy moment gave "fractions" above 1).
 */
function bestBandwidth(before: Bandwidth, after: Bandwidth): Bandwidth {
    const gbs = Math.max(before.gbs ?? -1, after.gbs ?? -1);
    const failure = [before.failure, after.failure].filter((f) => f !== undefined).join("; ");
    return { gbs: gbs < 0 ? null : gbs, samples: [...before.samples, ...after.samples], ...(failure === "" ? {} : { failure }) };
}

/** Both engines on one file, alternating, `rounds` fresh processes each. */
async function measure(mellamaPath: string, anchorPath: string, rounds: number, base: Omit<ChildArgs, "engine" | "model" | "mode">, timeoutS: number, skipAnchor: string | undefined): Promise<{ m: Samples; a: Samples }> {
    const outs = { mellama: [] as ChildOutcome[], "llama.cpp": [] as ChildOutcome[] };
    if (skipAnchor !== undefined) {
        outs["llama.cpp"].push({ ok: false, reason: skipAnchor, peakRssSeen: null, wallS: 0 });
    }
    for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? (["mellama", "llama.cpp"] as const) : (["llama.cpp", "mellama"] as const);
        for (const engine of order) {
            if (outs[engine].some((o) => !o.ok)) {
                continue; // failed once (cannot load, out of memory): not again
            }
            const path = engine === "mellama" ? mellamaPath : anchorPath;
            const o = await runChild({ ...base, mode: "run", engine, model: path }, timeoutS);
            process.stderr.write(`  ${engine}, round ${r + 1}/${rounds}: ${o.ok ? `first token ${(o.firstTokenWallS ?? NaN).toFixed(1)} s, decode ${round3(o.result.decode).join("/")} tok/s${o.result.prefill.length > 0 ? `, prefill ${round3(o.result.prefill).join("/")} tok/s` : ""}, peak RSS ${((o.result.vmHwm ?? 0) / 1e9).toFixed(2)} GB` : `failed: ${o.reason}`}\n`);
            outs[engine].push(o);
        }
    }
    return { m: collect(outs.mellama), a: collect(outs["llama.cpp"]) };
}

function makeRow(
    name: string, unit: string, value: number | null, anchorValue: number | null, lowerIsBetter: boolean, config: Record<string, unknown>,
): BenchRow {
    const ratio = value === null || anchorValue === null || value === 0 ? null : lowerIsBetter ? anchorValue / value : value / anchorValue;
    return { name, unit, value, anchor: anchorValue === null ? null : anchorName(config), anchorValue, ratio, config };
}

/**
 * llama.cpp's CPU backend holds more than the mapped file (for Q8_0 a repacked copy of the weights): its peak RSS
 * was 2.1x the file on the 7B Q8_0 GGUF (15.3 GB for 7.2 GB) and 1.8x on the 7B F16 GGUF (23.9 GB for 13.5 GB).
 * Where that cannot fit (13B Q8_0 on a 24 GiB machine) the anchor is skipped with the reason rather than pushing
 * a shared machine into the OOM killer. The 7B rows always run it (on the 7B F16 GGUF it peaked at 23.9 GB of a
 * 24.6 GB machine and came through).
 */
function anchorWontFit(f: RandomModelFile, force: boolean): string | undefined {
    const total = procKiB("/proc/meminfo", "MemTotal");
    const need = f.weights.total * (f.kind === "gguf-q8_0" || f.kind === "gguf-q4_k_m" || f.kind === "gguf-q4_0" ? 2.15 : 1.8) + 2 ** 30;
    if (force || total === undefined || need < total - 2 * 2 ** 30) {
        return undefined;
    }
    return `not run: llama.cpp would need about ${(need / 1e9).toFixed(1)} GB (its peak RSS was 2.1x the file on 7B Q8_0, 1.8x on 7B F16) and the machine has ${(total / 1e9).toFixed(1)} GB; --force-anchor runs it anyway`;
}

export async function benchLarge(o: LargeBenchOptions): Promise<BenchRow[]> {
    const config: LlamaConfig = resolvePreset(o.preset);
    const is13b = o.part === "13b";
    const rounds = is13b || o.quick ? 1 : 3;
    const base = {
        threads: THREADS, contextSize: CONTEXT, prompt: [...o.prompt.slice(0, PREFILL)], firstPrompt: FIRST_PROMPT,
        decodeTokens: is13b || o.quick ? 8 : 16, decodeReps: is13b || o.quick ? 1 : 2, prefillTokens: PREFILL, prefillReps: is13b ? 0 : o.quick ? 1 : 2,
    };
    const timeoutS = is13b ? 1800 : 1200;
    const rows: BenchRow[] = [];
    const files = new Map<RandomFileKind, RandomModelFile>();
    const write = (kind: RandomFileKind): RandomModelFile => {
        const have = files.get(kind);
        if (have !== undefined) {
            return have;
        }
        const label = `${o.preset} ${FORMAT_NAME[kind]}`;
        const f = writeRandomLlama({ config, kind, out: join(o.dir, kind === "hf-bf16" ? "hf-bf16" : `${kind}.gguf`), vocab: o.vocab, tokenizerModel: o.tokenizerModel, label });
        process.stderr.write(`${label}: wrote ${(f.fileBytes / 1e9).toFixed(2)} GB in ${f.writeSeconds.toFixed(0)} s\n`);
        rows.push(makeRow(`${label}: the bench writes it (random weights)`, "MB/s", f.fileBytes / 1e6 / f.writeSeconds, null, false,
            { ...o.common, part: o.part, preset: o.preset, ...describeFile(f) }));
        files.set(kind, f);
        return f;
    };
    const drop = (kind: RandomFileKind): void => {
        const f = files.get(kind);
        if (f !== undefined) {
            rmSync(f.path, { recursive: true, force: true });
            files.delete(kind);
        }
    };
    for (const kind of o.kinds) {
        const label = `${o.preset} ${FORMAT_NAME[kind]}`;
        // The BF16 directory's anchor is llama.cpp on the F16 GGUF of the same weights (exact in both types).
        const anchorKind: RandomFileKind = kind === "hf-bf16" ? "gguf-f16" : kind;
        let file: RandomModelFile;
        let anchorFile: RandomModelFile;
        try {
            file = write(kind);
            anchorFile = write(anchorKind);
        } catch (error) {
            rows.push(makeRow(`${label}: the bench writes it (random weights)`, "MB/s", null, null, false,
                { ...o.common, part: o.part, preset: o.preset, failure: (error as Error).message }));
            drop(kind);
            drop(anchorKind);
            continue;
        }
        const bwBefore = await measureBandwidth();
        const { m, a } = await measure(file.path, anchorFile.path, rounds, base, timeoutS, is13b ? anchorWontFit(anchorFile, o.forceAnchor) : undefined);
        const bw = bestBandwidth(bwBefore, await measureBandwidth());
        const cfg = {
            ...o.common, part: o.part, preset: o.preset, weights: STORAGE[kind], ...describeFile(file),
            ...(kind === anchorKind ? {} : { anchorOn: `the ${FORMAT_NAME[anchorKind]} of the same weights`, anchorNote: "weights k * 2^-12, exact in F16 and BF16" }),
            threads: THREADS, contextSize: CONTEXT, rounds, mellama: MELLAMA_SETTINGS, anchorSettings: ANCHOR_SETTINGS,
            ...(m.failure === undefined ? {} : { mellamaFailure: m.failure }), ...(a.failure === undefined ? {} : { anchorMissing: a.failure }),
        };
        const limit = bw.gbs === null ? null : (bw.gbs * 1e9) / file.weights.perToken;
        const decodeCfg = { ...cfg, decodeTokens: base.decodeTokens, decodeReps: base.decodeReps, samples: round3(m.decode), anchorSamples: round3(a.decode) };
        rows.push(makeRow(`${label} decode, batch 1, ${THREADS} threads${is13b ? `, ${base.decodeTokens} tokens` : ""}`, "tok/s", med(m.decode), med(a.decode), false, decodeCfg));
        const frac = (x: number | null): number | null => (x === null || limit === null ? null : x / limit);
        rows.push(makeRow(`${label} decode as a fraction of the read-bandwidth limit`, "fraction", frac(med(m.decode)), frac(med(a.decode)), false, {
            ...decodeCfg, readBandwidthGBs: bw.gbs, readBandwidthSamples: bw.samples, ...(bw.failure === undefined ? {} : { bandwidthFailure: bw.failure }),
            limitTokS: limit, formula: "bytesReadPerToken x tok/s / read bandwidth (native sumSquares over 1 GiB, 2 threads, before and after the rounds, the higher median)",
        }));
        if (!is13b) {
            rows.push(makeRow(`${label} prefill ${PREFILL} tokens, ${THREADS} threads`, "tok/s", med(m.prefill), med(a.prefill), false,
                { ...cfg, prefillReps: base.prefillReps, samples: round3(m.prefill), anchorSamples: round3(a.prefill) }));
        }
        rows.push(makeRow(`${label} time to first token, cold process`, "s", med(m.ttft), med(a.ttft), true, {
            ...cfg, samples: round3(m.ttft), anchorSamples: round3(a.ttft), loadSeconds: round3(m.load), anchorLoadSeconds: round3(a.load),
            measured: `spawn of node --import tsx to the first token chosen after a ${FIRST_PROMPT}-token prompt; page cache not dropped`,
        }));
        const over = (rss: readonly number[], bytes: number): number | null => (rss.length === 0 ? null : median(rss) / bytes);
        rows.push(makeRow(`${label} peak RSS / weights' size`, "x", over(m.rss, file.weights.total), over(a.rss, anchorFile.weights.total), true, {
            ...cfg, target: "<= 1.1", peakRssBytes: m.rss, anchorPeakRssBytes: a.rss, anchorWeightsBytes: anchorFile.weights.total,
            measured: "VmHWM of the engine's own process at its end (mapped file pages it touched included)",
        }));
        if (!(kind === "gguf-f16" && o.kinds.includes("hf-bf16"))) { // else kept: the BF16 directory's anchor
            drop(kind);
            drop(anchorKind);
        }
    }
    for (const kind of [...files.keys()]) {
        drop(kind);
    }
    return rows;
}
