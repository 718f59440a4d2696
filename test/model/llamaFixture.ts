/**
 * Loads the PyTorch model oracle written by reference/py/make_llama_state.py (test/fixtures/model/llama_state_*):
 * a JSON header naming float32 tensors at offsets in a .bin, and the expected losses. See the script for layout.
 * The packed-row oracle (reference/py/make_packed_state.py) uses the same layout.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getKernelSet } from "../../src/kernels/index.js";
import type { KernelSet } from "../../src/kernels/KernelSet.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import type { LlamaModel } from "../../src/model/LlamaModel.js";

export interface LlamaFixture {
    config: LlamaConfig;
    B: number;
    T: number;
    K: number;
    train: { maxLr: number; beta1: number; beta2: number; eps: number; weightDecay: number; maxGradNorm: number;
        totalSteps: number; warmupRatio: number; steps: number; };
    loss: number;
    stepLosses: number[];
    finalLoss: number;
    gradNorms: number[];
    lrs: number[];
    tensor(name: string): Float32Array;
    ints(name: string): Int32Array;
}

/** "packed" (make_packed_state.py) has the model, B, T, loss and tensors only: no training fields. */
/**
 * The kernel sets the fixture tests run on: the reference, and native at 2 threads, whose entry is a skip reason
 * (not a set) where the addon is unavailable.
 */
export function fixtureKernelSets(): [label: string, kernels: KernelSet | string][] {
    let native: KernelSet | string;
    try {
        native = getKernelSet({ kind: "native", threads: 2 });
    } catch (error) {
        native = `native kernels unavailable: ${(error as Error).message}`;
    }
    return [["reference", referenceKernels], ["native", native]];
}

export function loadLlamaFixture(variant: "tied" | "untied" | "packed"): LlamaFixture {
    const stem = fileURLToPath(new URL(`../fixtures/model/llama_state_${variant}`, import.meta.url));
    const header = JSON.parse(readFileSync(`${stem}.json`, "utf8")) as Omit<LlamaFixture, "tensor" | "ints">
        & { tensors: Record<string, { shape: number[]; offset: number }> };
    const bytes = readFileSync(`${stem}.bin`);
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const tensor = (name: string): Float32Array => {
        const t = header.tensors[name];
        if (t === undefined) {
            throw new Error(`fixture ${variant} has no tensor ${name}`);
        }
        const n = t.shape.reduce((a, b) => a * b, 1);
        return all.slice(t.offset, t.offset + n);
    };
    return { ...header, tensor, ints: (name) => Int32Array.from(tensor(name)) };
}

/** Copies the fixture's initial weights into the model by Hugging Face name. */
export function loadFixtureWeights(model: LlamaModel, fx: LlamaFixture): void {
    for (const spec of model.layout) {
        model.tensor(spec.name).set(fx.tensor(`param:${spec.hfName}`));
    }
}

/** max|a - e| / max(1e-6, max|e|): the error relative to the tensor's largest magnitude. */
export function relMaxAbsError(actual: Float32Array, expected: Float32Array): { rel: number; worst: number } {
    let maxDiff = 0;
    let maxRef = 0;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) {
        const d = Math.abs(actual[i]! - expected[i]!);
        if (!(d <= maxDiff)) {
            maxDiff = d;
            worst = i;
        }
        maxRef = Math.max(maxRef, Math.abs(expected[i]!));
    }
    return { rel: maxDiff / Math.max(1e-6, maxRef), worst };
}

/** Asserts relMaxAbsError ≤ tol and prints the first 5 pairs and the worst one on failure (llm.c checkTensor). */
export function checkTensor(actual: Float32Array, expected: Float32Array, label: string, tol: number): void {
    if (actual.length !== expected.length) {
        throw new Error(`${label}: length ${actual.length}, expected ${expected.length}`);
    }
    const { rel, worst } = relMaxAbsError(actual, expected);
    if (!(rel <= tol)) {
        const pairs = Array.from({ length: Math.min(5, expected.length) }, (_, i) => `${actual[i]} vs ${expected[i]}`).join(", ");
        throw new Error(`${label}: relative max-abs error ${rel.toExponential(3)} > ${tol} (worst at ${worst}: `
            + `${actual[worst]} vs ${expected[worst]}); first pairs: ${pairs}`);
    }
}
