/**
 * bench:kernels — ms, GFLOP/s and GB/s of each kernel set at the shapes of a tiny15m training step (and a square
 * GEMM), anchored on the same ops in PyTorch 1.13 + OpenBLAS (reference/py/bench_kernels_torch.py), measured
 * ALTERNATELY in one run (native, torch, native, torch, ...) and reported as medians.
 *
 * Sets: native with each SIMD path this CPU runs (threads = MELLAMA_BENCH_THREADS, default 2) and reference (plain
 * TS, one thread; 2 rounds of 1 call, only the shapes marked referenceToo). The anchor needs /usr/bin/python3 with
 * torch (and Debian's OpenBLAS); without it the rows carry no anchor.
 *
 * LLaMA-2-7B shapes (group "7b"; the best native SIMD path only, the one inference runs): the matmuls inference runs on weights at rest.
 * Prompt processing, N = 128: matmulF16 / matmulBF16 / matmulQ8_0 / matmulQuant (Q4_K, Q6_K, Q4_0) / F32 matmulForward in GFLOP/s, anchored on
 * PyTorch's fp32 matmul of the same shape like every matmul row here. Batch-1 decode, N = 1: GB/s of weights
 * streamed, anchored on the machine's read bandwidth measured in the same run, alternating (sumSquares over
 * 1 GiB with the same threads): the ratio is the fraction of the bandwidth limit reached. Row names carry the
 * thread count, so runs at 1 and 2 threads sit side by side.
 * Usage: npm run bench:kernels [-- --quick] [-- --no-reference] [-- --only=7b]
 *   --only=GROUP runs that group alone and merges its rows into bench/results/kernels.json (rows of the same
 *   name are replaced, the others kept).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { getKernelSet } from "../src/kernels/index.js";
import type { KernelSet } from "../src/kernels/KernelSet.js";
import type { DecodeKernels, QuantKernelType } from "../src/kernels/DecodeKernels.js";
import { loadNativeAddon, nativeSimdVariants } from "../src/kernels/native/nativeKernels.js";
import type { BenchRow } from "./lib/benchResults.js";
import { median, writeBenchResults } from "./lib/benchResults.js";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const threads = Number(process.env.MELLAMA_BENCH_THREADS ?? 2);
const ROUNDS = quick ? 3 : 7;
const ANCHOR = `PyTorch 1.13 fp32 + OpenBLAS, ${threads} threads`;
/** Ops bench_kernels_torch.py implements (PyTorch has no F16 / Q8_0 CPU matvec to compare with). */
const ANCHORED_OPS = new Set(["matmulForward", "matmulBackward", "attentionForward", "attentionBackward", "crossEntropyForwardBackward", "rmsnormForward", "swigluForward", "adamwUpdate"]);

interface Case {
    op: string;
    label: string;
    shape: Record<string, number>;
    flops: number;
    bytes: number;
    /** Build inputs once; return the call to time. */
    make: (ks: KernelSet) => () => void;
    referenceToo: boolean;
    /** Cases of a group run alone with --only=GROUP; grouped cases run on the best native SIMD path only. */
    group?: string;
    /** Report GB/s of `bytes` against the read bandwidth measured in the same run (batch-1 decode rows). */
    bandwidthAnchored?: boolean;
}

const rand = (n: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
        a[i] = Math.random() * 2 - 1;
    }
    return a;
};

function matmulCases(N: number, C: number, OC: number, referenceToo: boolean): Case[] {
    const shape = { N, C, OC };
    const fwd: Case = {
        op: "matmulForward", label: `matmulForward ${N}x${C}->${OC}`, shape, flops: 2 * N * C * OC,
        bytes: 4 * (N * C + OC * C + N * OC), referenceToo,
        make: (ks) => {
            const out = new Float32Array(N * OC);
            const inp = rand(N * C);
            const w = rand(OC * C);
            return () => ks.matmulForward(out, inp, w, null, N, C, OC);
        },
    };
    const bwd: Case = {
        op: "matmulBackward", label: `matmulBackward ${N}x${C}->${OC}`, shape, flops: 4 * N * C * OC,
        bytes: 4 * 2 * (N * C + OC * C + N * OC), referenceToo,
        make: (ks) => {
            const dinp = new Float32Array(N * C);
            const dw = new Float32Array(OC * C);
            const dout = rand(N * OC);
            const inp = rand(N * C);
            const w = rand(OC * C);
            return () => ks.matmulBackward(dinp, dw, null, dout, inp, w, N, C, OC);
        },
    };
    return [fwd, bwd];
}

function cases(): Case[] {
    const [B, T, NH, HS, C, H, V] = [8, 256, 6, 48, 288, 768, 32000];
    const N = B * T;
    const attnFlops = B * NH * (T * (T + 1) / 2) * HS * 4;
    const attn = (backward: boolean): Case => ({
        op: backward ? "attentionBackward" : "attentionForward", label: `${backward ? "attentionBackward" : "attentionForward"} B${B} T${T} NH${NH} HS${HS}`,
        shape: { B, T, NH, HS }, flops: backward ? 2 * attnFlops : attnFlops, bytes: 4 * 4 * B * T * NH * HS * (backward ? 2 : 1), referenceToo: !quick,
        make: (ks) => {
            const n = B * T * NH * HS;
            const [q, k, v, out, dout] = [rand(n), rand(n), rand(n), new Float32Array(n), rand(n)];
            const lse = new Float32Array(B * NH * T);
            ks.attentionForward(out, lse, q, k, v, null, B, T, NH, NH, HS);
            const [dq, dk, dv] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
            return backward
                ? () => ks.attentionBackward(dq, dk, dv, dout, q, k, v, out, lse, null, B, T, NH, NH, HS)
                : () => ks.attentionForward(out, lse, q, k, v, null, B, T, NH, NH, HS);
        },
    });
    const decode = (format: "F32" | "F16" | "Q8_0", C2: number, OC: number): Case => ({
        op: format === "F32" ? "matmulForward" : `matmul${format}`, label: `decode matvec ${format} 1x${C2}->${OC}`,
        shape: { N: 1, C: C2, OC }, flops: 2 * C2 * OC, bytes: OC * C2 * (format === "F32" ? 4 : format === "F16" ? 2 : 34 / 32), referenceToo: false,
        make: (ks) => {
            const out = new Float32Array(OC);
            const x = rand(C2);
            if (format === "F32") {
                const w = rand(OC * C2);
                return () => ks.matmulForward(out, x, w, null, 1, C2, OC);
            }
            const dk = ks as KernelSet & DecodeKernels;
            if (format === "F16") {
                const w = Uint16Array.from({ length: OC * C2 }, () => 0x3000 | Math.floor(Math.random() * 0x0800));
                return () => dk.matmulF16(out, x, w, 1, C2, OC);
            }
            const w = Uint8Array.from({ length: OC * (C2 / 32) * 34 }, (_, i) => (i % 34 === 1 ? 0x20 : Math.floor(Math.random() * 256)));
            return () => dk.matmulQ8_0(out, x, w, 1, C2, OC);
        },
    });
    const ceRows = 256;
    const nAdam = 4_000_000;
    const nSwiglu = N * H;
    return [
        ...matmulCases(1024, 1024, 1024, false),
        ...matmulCases(N, C, C, true),
        ...matmulCases(N, C, H, false),
        ...matmulCases(N, H, C, false),
        ...(quick ? [] : matmulCases(N, C, V, false)),
        attn(false),
        attn(true),
        decode("F32", C, V),
        decode("F16", C, V),
        decode("Q8_0", C, V),
        decode("F16", 768, 2048),
        decode("Q8_0", 768, 2048),
        {
            op: "crossEntropyForwardBackward", label: `crossEntropy ${ceRows}x${V}`, shape: { N: ceRows, V }, flops: 0,
            bytes: 4 * 2 * ceRows * V, referenceToo: true,
            make: (ks) => {
                const logits = rand(ceRows * V);
                const d = new Float32Array(ceRows * V);
                const losses = new Float32Array(ceRows);
                const targets = Int32Array.from({ length: ceRows }, (_, i) => (i * 7919) % V);
                return () => void ks.crossEntropyForwardBackward(losses, d, logits, targets, ceRows, V, 1 / ceRows);
            },
        },
        {
            op: "rmsnormForward", label: `rmsnormForward ${N}x${C}`, shape: { N, C }, flops: 0, bytes: 4 * 2 * N * C, referenceToo: true,
            make: (ks) => {
                const [out, inp, w, rstd] = [new Float32Array(N * C), rand(N * C), rand(C), new Float32Array(N)];
                return () => ks.rmsnormForward(out, rstd, inp, w, N, C, 1e-5);
            },
        },
        {
            op: "swigluForward", label: `swigluForward n=${nSwiglu}`, shape: { n: nSwiglu }, flops: 0, bytes: 4 * 3 * nSwiglu, referenceToo: true,
            make: (ks) => {
                const [out, g, u] = [new Float32Array(nSwiglu), rand(nSwiglu), rand(nSwiglu)];
                return () => ks.swigluForward(out, g, u, nSwiglu);
            },
        },
        {
            op: "adamwUpdate", label: `adamwUpdate n=${nAdam}`, shape: { n: nAdam }, flops: 0, bytes: 4 * 7 * nAdam, referenceToo: true,
            make: (ks) => {
                const [p, g, m, v] = [rand(nAdam), rand(nAdam), new Float32Array(nAdam), new Float32Array(nAdam)];
                let step = 0;
                return () => ks.adamwUpdate(p, g, m, v, nAdam, 1e-3, 0.9, 0.95, 1e-8, 0.1, ++step, 1);
            },
        },
    ];
}

type WeightFormat = "F32" | "F16" | "BF16" | "Q8_0" | "Q4_K" | "Q6_K" | "Q4_0";
const BYTES_PER_WEIGHT: Record<WeightFormat, number> = { F32: 4, F16: 2, BF16: 2, Q8_0: 34 / 32, Q4_K: 144 / 256, Q6_K: 210 / 256, Q4_0: 18 / 32 };
/** ggml type number, bytes per block, f16 scale offsets of the matmulQuant formats. */
const QUANT_FORMATS: Partial<Record<WeightFormat, { type: QuantKernelType; block: number; bytes: number; halves: number[] }>> = {
    Q4_K: { type: 12, block: 256, bytes: 144, halves: [0, 2] },
    Q6_K: { type: 14, block: 256, bytes: 210, halves: [208] },
    Q4_0: { type: 2, block: 32, bytes: 18, halves: [0] },
};

/** One matmul on weights at rest at a LLaMA-2-7B shape (dim 4096, ffn 11008). */
function atRestCase(format: WeightFormat, N: number, C: number, OC: number): Case {
    const decode = N === 1;
    const quant = QUANT_FORMATS[format];
    const op = format === "F32" ? "matmulForward" : quant !== undefined ? `matmulQuant ${format}` : `matmul${format}`;
    return {
        op, label: `7B ${decode ? "decode" : "prefill"} ${op}${format === "F32" ? " F32" : ""} ${N}x${C}->${OC} T${threads}`, shape: { N, C, OC },
        flops: decode ? 0 : 2 * N * C * OC, bytes: OC * C * BYTES_PER_WEIGHT[format], referenceToo: false, group: "7b", bandwidthAnchored: decode,
        make: (ks) => {
            const out = new Float32Array(N * OC);
            const x = rand(N * C);
            const dk = ks as KernelSet & DecodeKernels;
            if (format === "F32") {
                const w = rand(OC * C);
                return () => ks.matmulForward(out, x, w, null, N, C, OC);
            }
            if (quant !== undefined) {
                // every quant bit pattern (a byte stream), the f16 scales about 2^-8 (half 0x1c00..0x1fff)
                const w = new Uint8Array(OC * (C / quant.block) * quant.bytes);
                for (let i = 0; i < w.length; i++) {
                    w[i] = (i * 7919) & 0xff;
                }
                for (let b = 0; b < w.length / quant.bytes; b++) {
                    for (const at of quant.halves) {
                        w[b * quant.bytes + at] = (b * 13) & 0xff;
                        w[b * quant.bytes + at + 1] = 0x1c | (b & 3);
                    }
                }
                return () => dk.matmulQuant(out, x, w, quant.type, N, C, OC);
            }
            if (format === "Q8_0") {
                // scales about 2^-6 (half 0x2000..0x23ff), quants over the whole int8 range
                const w = new Uint8Array(OC * (C / 32) * 34);
                for (let i = 0; i < w.length; i++) {
                    w[i] = i % 34 === 1 ? 0x20 : i % 34 === 0 ? (i * 7) & 0xff : (i * 7919) & 0xff;
                }
                return () => dk.matmulQ8_0(out, x, w, N, C, OC);
            }
            const w = new Uint16Array(OC * C);
            for (let i = 0; i < w.length; i++) {
                // F16: magnitudes 2^-3 .. 2^-1; BF16: 1 .. 2 (the top half of a float32)
                w[i] = format === "F16" ? 0x3000 | ((i * 7919) & 0x07ff) : 0x3f80 | ((i * 7919) & 0x007f);
            }
            return format === "F16" ? () => dk.matmulF16(out, x, w, N, C, OC) : () => dk.matmulBF16(out, x, w, N, C, OC);
        },
    };
}

function sevenBCases(): Case[] {
    const [dim, ffn] = [4096, 11008];
    const formats: WeightFormat[] = ["Q8_0", "Q4_K", "Q6_K", "Q4_0", "F16", "BF16", "F32"];
    return [
        ...formats.map((f) => atRestCase(f, 128, dim, dim)),
        ...formats.map((f) => atRestCase(f, 128, dim, ffn)),
        ...formats.map((f) => atRestCase(f, 1, dim, ffn)),
        ...formats.map((f) => atRestCase(f, 1, ffn, dim)),
    ];
}

/** Read bandwidth: seconds for sumSquares over 1 GiB of floats (allocated on first use). */
let bandwidthBuffer: Float32Array | null = null;
const BANDWIDTH_BYTES = 1 << 30;
function bandwidthSeconds(ks: KernelSet): number {
    bandwidthBuffer ??= new Float32Array(BANDWIDTH_BYTES / 4).fill(1);
    const buf = bandwidthBuffer;
    return timeCall(() => void ks.sumSquares(buf, buf.length), 1);
}

/** The PyTorch anchor as a long-lived child process (one JSON request per line). */
class TorchAnchor {
    private readonly lines: AsyncIterator<string>;
    private readonly child;

    public constructor() {
        const script = fileURLToPath(new URL("../reference/py/bench_kernels_torch.py", import.meta.url));
        this.child = spawn("/usr/bin/python3", [script, String(threads)], {
            stdio: ["pipe", "pipe", "inherit"],
            env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), LD_LIBRARY_PATH: "/usr/lib/x86_64-linux-gnu/openblas-pthread" },
        });
        this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    }

    public async seconds(op: string, shape: Record<string, number>, reps: number): Promise<number> {
        this.child.stdin.write(`${JSON.stringify({ op, shape, reps })}\n`);
        const next = await this.lines.next();
        if (next.done === true) {
            throw new Error("the PyTorch anchor exited");
        }
        return (JSON.parse(next.value) as { seconds: number }).seconds;
    }

    public close(): void {
        this.child.stdin.end();
    }
}

function timeCall(fn: () => void, reps: number): number {
    fn();  // untimed: caches and clocks back up after the other side ran (the anchor does the same)
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
        const t0 = process.hrtime.bigint();
        fn();
        times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    return median(times);
}

/** Whether the PyTorch anchor can run: /usr/bin/python3 with torch importable (without it the rows carry no anchor). */
function torchAvailable(): boolean {
    return existsSync("/usr/bin/python3") && spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;
}

const BANDWIDTH_ANCHOR = `read bandwidth: sumSquares over 1 GiB, ${threads} threads, same run`;
const cpuFlags = Object.entries(loadNativeAddon()?.cpuFeatures() ?? {}).filter(([, on]) => on).map(([flag]) => flag).join(" ");

/** This run's rows over the file's: rows of the same name are replaced, the others kept in order. */
function mergeRows(rows: BenchRow[]): BenchRow[] {
    const path = fileURLToPath(new URL("./results/kernels.json", import.meta.url));
    const old = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as BenchRow[]) : [];
    const replaced = new Set(rows.map((r) => r.name));
    return [...old.filter((r) => !replaced.has(r.name)), ...rows];
}

async function main(): Promise<void> {
    const sets: { label: string; ks: KernelSet }[] = nativeSimdVariants().filter((simd) => simd !== "emu16").map((simd) => ({
        label: `native-${simd}`, ks: getKernelSet({ kind: "native", threads, simd }),
    }));
    if (!process.argv.includes("--no-reference")) {
        sets.push({ label: "reference", ks: getKernelSet({ kind: "reference" }) });
    }
    const anchor = torchAvailable() ? new TorchAnchor() : null;
    const rows: BenchRow[] = [];
    const selected = [...cases(), ...sevenBCases()].filter((c) => (only === undefined ? true : c.group === only));
    for (const c of selected) {
        // grouped (7B) cases: the best SIMD path only, which is the one inference runs (and keeps the run short)
        const eligible = c.group === undefined ? sets.filter((s) => s.label !== "reference" || c.referenceToo) : sets.slice(0, 1);
        const calls = eligible.map((s) => ({ ...s, fn: c.make(s.ks) }));
        const measured = new Map<string, number[]>(calls.map((s) => [s.label, []]));
        const anchorTimes: number[] = [];
        for (const s of calls) {
            s.fn();  // warm-up: scratch buffers, page faults
        }
        for (let round = 0; round < ROUNDS; round++) {
            for (const s of calls) {
                if (s.label === "reference" && round >= 2) {
                    continue;
                }
                measured.get(s.label)!.push(timeCall(s.fn, s.label === "reference" ? 1 : 3));
            }
            if (c.bandwidthAnchored === true && calls[0] !== undefined) {
                anchorTimes.push(bandwidthSeconds(calls[0].ks));
            } else if (anchor !== null && (ANCHORED_OPS.has(c.op) || (c.group === "7b" && c.flops > 0))) {
                // the 7B prefill rows of every weight format are anchored on PyTorch's fp32 matmul of that shape
                anchorTimes.push(await anchor.seconds("matmulForward", c.shape, 3));
                // OpenBLAS workers keep spinning for a while after a call; let them go idle before timing ours.
                await new Promise((resolve) => setTimeout(resolve, 150));
            }
        }
        const anchorS = anchorTimes.length > 0 ? median(anchorTimes) : null;
        for (const s of calls) {
            const sec = median(measured.get(s.label)!);
            const config = { set: s.label, threads: s.label === "reference" ? 1 : threads, shape: c.shape, rounds: measured.get(s.label)!.length, cpu: cpuFlags };
            if (c.bandwidthAnchored === true) {
                const bandwidth = anchorS === null ? null : BANDWIDTH_BYTES / anchorS / 1e9;
                const gbs = c.bytes / sec / 1e9;
                rows.push({ name: `${c.label} [${s.label}]`, unit: "ms", value: sec * 1e3, anchor: null, anchorValue: null, ratio: null, config });
                rows.push({ name: `${c.label} [${s.label}]`, unit: "GB/s", value: gbs, anchor: bandwidth === null ? null : BANDWIDTH_ANCHOR, anchorValue: bandwidth, ratio: bandwidth === null ? null : gbs / bandwidth, config });
                continue;
            }
            rows.push({ name: `${c.label} [${s.label}]`, unit: "ms", value: sec * 1e3, anchor: anchorS === null ? null : ANCHOR, anchorValue: anchorS === null ? null : anchorS * 1e3, ratio: anchorS === null ? null : anchorS / sec, config });
            if (c.flops > 0) {
                rows.push({ name: `${c.label} [${s.label}]`, unit: "GFLOP/s", value: c.flops / sec / 1e9, anchor: anchorS === null ? null : ANCHOR, anchorValue: anchorS === null ? null : c.flops / anchorS / 1e9, ratio: anchorS === null ? null : anchorS / sec, config });
            } else {
                rows.push({ name: `${c.label} [${s.label}]`, unit: "GB/s", value: c.bytes / sec / 1e9, anchor: anchorS === null ? null : ANCHOR, anchorValue: anchorS === null ? null : c.bytes / anchorS / 1e9, ratio: anchorS === null ? null : anchorS / sec, config });
            }
        }
    }
    anchor?.close();
    for (const s of sets) {
        s.ks.dispose();
    }
    writeBenchResults("kernels", only === undefined ? rows : mergeRows(rows));
}

await main();
