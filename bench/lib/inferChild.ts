/**
 * One engine in a fresh process, for bench:infer's large-model rows (run as `node --import tsx inferChild.ts
 * '<json ChildArgs>'`): so that load time, time to first token and peak RSS belong to that engine alone.
 *
 * Modes:
 *   "run"        load the model (mellama: loadForInference; llama.cpp: node-llama-cpp's prebuilt CPU binary),
 *                prefill `firstPrompt` tokens and print {"event":"firstToken"} the moment the first token is
 *                chosen (the parent times spawn -> that line); then `decodeReps` x `decodeTokens` greedy decode
 *                steps after the same short prompt, `prefillReps` prefills of `prefillTokens` tokens from position
 *                0, and a result line with VmHWM (peak RSS) read from /proc/self/status at the end.
 *   "bandwidth"  read bandwidth: the native kernels' sumSquares over a 1 GiB Float32Array at `threads` threads.
 * Every line on stdout is one JSON object; a failure is {"event":"error","message"} and exit code 1.
 */
import { procKiB } from "./machine.js";

export interface ChildArgs {
    mode: "run" | "bandwidth";
    engine?: "mellama" | "llama.cpp";
    model?: string;
    threads: number;
    contextSize?: number;
    prompt?: number[];
    firstPrompt?: number;
    decodeTokens?: number;
    decodeReps?: number;
    prefillTokens?: number;
    prefillReps?: number;
}

export interface ChildResult {
    event: "result";
    /** Milliseconds from process start (performance.timeOrigin) to the model loaded and to the first token. */
    loadMs: number;
    firstTokenMs: number;
    decode: number[];
    prefill: number[];
    /** GB/s samples (bandwidth mode). */
    bandwidth: number[];
    vmHwm: number | null;
}

const emit = (o: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };

/** A model seen the same way for both engines: choose the first token, then step one token at a time. */
interface Engine {
    /** Prefill the tokens at position 0 and return the greedy next token. */
    start(tokens: number[]): Promise<number>;
    /** Feed the last token, return the next (greedy). */
    next(token: number): Promise<number>;
    /** Prefill the tokens at position 0, no token out. */
    prefill(tokens: number[]): Promise<void>;
    dispose(): Promise<void>;
}

function argmax(logits: Float32Array): number {
    let best = 0;
    for (let j = 1; j < logits.length; j++) {
        best = logits[j]! > logits[best]! ? j : best;
    }
    return best;
}

async function openMellama(a: ChildArgs): Promise<Engine> {
    const { loadForInference } = await import("../../src/model/inference/index.js");
    const s = await loadForInference(a.model!, { threads: a.threads, maxContext: a.contextSize, prefillChunk: a.prefillTokens, maxBatch: 1 });
    let pos = 0;
    const one = new Int32Array(1);
    return {
        start: (tokens) => {
            pos = tokens.length;
            return Promise.resolve(argmax(s.step(Int32Array.from(tokens), 0)));
        },
        next: (token) => {
            one[0] = token;
            return Promise.resolve(argmax(s.step(one, pos++)));
        },
        prefill: (tokens) => {
            s.step(Int32Array.from(tokens), 0);
            return Promise.resolve();
        },
        dispose: () => Promise.resolve(s.dispose()),
    };
}

interface Seq { clearHistory(): Promise<void>; evaluateWithoutGeneratingNewTokens(t: number[]): Promise<void>;
    evaluate(t: number[], o: { temperature: number }): AsyncGenerator<number>; }
interface Llama {
    loadModel(o: { modelPath: string }): Promise<{
        createContext(o: { contextSize: number; threads: number }): Promise<{ getSequence(): Seq; dispose(): Promise<void> }>;
        dispose(): Promise<void>;
    }>;
    dispose(): Promise<void>;
}

async function openLlamaCpp(a: ChildArgs): Promise<Engine> {
    const name = "node-llama-cpp"; // optional dependency: resolved at run time only
    const mod = await import(name) as { getLlama(o: Record<string, unknown>): Promise<Llama> };
    const llama = await mod.getLlama({ gpu: false, build: "never", progressLogs: false, logLevel: "error" });
    const model = await llama.loadModel({ modelPath: a.model! });
    // node-llama-cpp's defaults otherwise: F16 KV cache, flash attention "auto", mmap, batch size min(512, context).
    const ctx = await model.createContext({ contextSize: a.contextSize ?? 512, threads: a.threads });
    const seq = ctx.getSequence();
    let it: AsyncGenerator<number> | undefined;
    const pull = async (): Promise<number> => {
        const r = await it!.next();
        if (r.done === true) {
            throw new Error("llama.cpp stopped generating (end of sequence token)");
        }
        return r.value;
    };
    return {
        start: async (tokens) => {
            await it?.return(undefined);
            await seq.clearHistory();
            it = seq.evaluate(tokens, { temperature: 0 });
            return pull();
        },
        next: () => pull(),
        prefill: async (tokens) => {
            await it?.return(undefined);
            it = undefined;
            await seq.clearHistory();
            await seq.evaluateWithoutGeneratingNewTokens(tokens);
        },
        dispose: async () => {
            await it?.return(undefined);
            await ctx.dispose();
            await model.dispose();
            await llama.dispose();
        },
    };
}

async function bandwidth(a: ChildArgs): Promise<number[]> {
    const { getKernelSet } = await import("../../src/kernels/index.js");
    const kernels = getKernelSet({ kind: "native", threads: a.threads });
    const x = new Float32Array(1 << 28).fill(1); // 1 GiB, every page touched before timing
    const samples: number[] = [];
    for (let r = 0; r < 6; r++) {
        const t0 = performance.now();
        kernels.sumSquares(x, x.length);
        const s = (performance.now() - t0) / 1000;
        if (r > 0) {
            samples.push(x.byteLength / s / 1e9);
        }
    }
    kernels.dispose();
    return samples;
}

async function main(a: ChildArgs): Promise<ChildResult> {
    const result: ChildResult = { event: "result", loadMs: 0, firstTokenMs: 0, decode: [], prefill: [], bandwidth: [], vmHwm: null };
    if (a.mode === "bandwidth") {
        result.bandwidth = await bandwidth(a);
    } else {
        const engine = a.engine === "mellama" ? await openMellama(a) : await openLlamaCpp(a);
        result.loadMs = performance.now();
        const first = a.prompt!.slice(0, a.firstPrompt);
        let token = await engine.start(first);
        result.firstTokenMs = performance.now();
        emit({ event: "firstToken" });
        for (let r = 0; r < (a.decodeReps ?? 0); r++) {
            if (r > 0) {
                token = await engine.start(first);
            }
            const t0 = performance.now();
            for (let i = 0; i < a.decodeTokens!; i++) {
                token = await engine.next(token);
            }
            result.decode.push(a.decodeTokens! / ((performance.now() - t0) / 1000));
        }
        for (let r = 0; r < (a.prefillReps ?? 0); r++) {
            const t0 = performance.now();
            await engine.prefill(a.prompt!.slice(0, a.prefillTokens));
            result.prefill.push(a.prefillTokens! / ((performance.now() - t0) / 1000));
        }
        await engine.dispose();
    }
    result.vmHwm = procKiB("/proc/self/status", "VmHWM") ?? null;
    return result;
}

try {
    emit({ ...await main(JSON.parse(process.argv[2] ?? "{}") as ChildArgs) });
    process.exitCode = 0;
} catch (error) {
    emit({ event: "error", message: (error as Error).message.split("\n")[0] ?? String(error) });
    process.exitCode = 1;
}
