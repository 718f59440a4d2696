/**
 * LoRA adapters on a LlamaModel's linear layers (PEFT semantics): for each target linear of each layer,
 * A (r, in) initialised kaiming-uniform (bound 1/sqrt(in), PEFT's a = sqrt(5)), B (out, r) zeros, scale
 * alpha / r, inverted dropout on the adapter's input. Adapters own their parameter and gradient arenas; the
 * base model's linears call `forward` after their own matmul and `backward` after theirs.
 * Not here: the math of one adapter (loraLinear.ts), saving (formats/peft), merging (mergeLora.ts).
 */
import type { KernelSet } from "../../kernels/KernelSet.js";
import { Rng } from "../../util/rng.js";
import { ConfigError } from "../../errors/MellamaError.js";
import { kvDim } from "../LlamaConfig.js";
import type { LlamaModel } from "../LlamaModel.js";
import type { LayerParam } from "../parameterLayout.js";
import { type LoraBuffers, loraBackward, loraForward } from "./loraLinear.js";

export type LoraTarget = "qProj" | "kProj" | "vProj" | "oProj" | "gateProj" | "upProj" | "downProj";
export const ALL_LORA_TARGETS: readonly LoraTarget[] = ["qProj", "kProj", "vProj", "oProj", "gateProj", "upProj", "downProj"];
/** PEFT's target_modules names. */
export const PEFT_MODULE_NAMES: Record<LoraTarget, string> = {
    qProj: "q_proj", kProj: "k_proj", vProj: "v_proj", oProj: "o_proj", gateProj: "gate_proj", upProj: "up_proj", downProj: "down_proj",
};

export interface LoraOptions {
    r: number;
    alpha: number;
    dropout: number;
    targets: readonly LoraTarget[];
    seed: number;
    /** Rank-stabilised scale alpha / √r (PEFT's use_rslora) instead of alpha / r. */
    rslora?: boolean;
}

export interface LoraTensor {
    layer: number;
    target: LoraTarget;
    /** "base_model.model.model.layers.N.self_attn.q_proj" (PEFT's module path). */
    peftModule: string;
    inFeatures: number;
    outFeatures: number;
    /** Offsets of A (r, in) and B (out, r) in the adapter arena. */
    aOffset: number;
    bOffset: number;
}

interface Slot {
    spec: LoraTensor;
    a: Float32Array;
    b: Float32Array;
    da: Float32Array;
    db: Float32Array;
    u: Float32Array;
    mask: Uint8Array | null;
    xDrop: Float32Array | null;
    input: Float32Array | null;
    /** Whether the last forward drew a dropout mask (training with dropout > 0). */
    maskUsed: boolean;
}

export class LoraAdapters {
    public readonly options: LoraOptions;
    public readonly tensors: LoraTensor[] = [];
    public readonly params: Float32Array;
    public readonly grads: Float32Array;
    public readonly scale: number;
    public training = true;
    private readonly slots = new Map<string, Slot>();
    private readonly rng: Rng;
    private readonly buffers: LoraBuffers;
    private readonly kernels: KernelSet;

    private constructor(model: LlamaModel, options: LoraOptions) {
        const { r, alpha, dropout, targets } = options;
        if (!Number.isInteger(r) || r <= 0) {
            throw new ConfigError("lora.r", `must be a positive integer, got ${r}`);
        }
        if (!(alpha > 0)) {
            throw new ConfigError("lora.alpha", `must be positive, got ${alpha}`);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new ConfigError("lora.dropout", `must be in [0, 1), got ${dropout}`);
        }
        for (const t of targets) {
            if (!ALL_LORA_TARGETS.includes(t)) {
                throw new ConfigError("lora.targets", `unknown target "${t}"; targets: ${ALL_LORA_TARGETS.join(", ")}`);
            }
        }
        this.options = options;
        this.kernels = model.kernels;
        this.scale = options.rslora === true ? alpha / Math.sqrt(r) : alpha / r;
        this.rng = new Rng(options.seed);
        const c = model.config;
        const dims: Record<LoraTarget, [number, number]> = {
            qProj: [c.dim, c.dim], kProj: [c.dim, kvDim(c)], vProj: [c.dim, kvDim(c)], oProj: [c.dim, c.dim],
            gateProj: [c.dim, c.hiddenDim], upProj: [c.dim, c.hiddenDim], downProj: [c.hiddenDim, c.dim],
        };
        let size = 0;
        for (let l = 0; l < c.nLayers; l++) {
            for (const target of ALL_LORA_TARGETS.filter((t) => targets.includes(t))) {
                const [inF, outF] = dims[target];
                const group = target === "gateProj" || target === "upProj" || target === "downProj" ? "mlp" : "self_attn";
                this.tensors.push({ layer: l, target, peftModule: `base_model.model.model.layers.${l}.${group}.${PEFT_MODULE_NAMES[target]}`,
                    inFeatures: inF, outFeatures: outF, aOffset: size, bOffset: size + r * inF });
                size += r * inF + outF * r;
            }
        }
        this.params = new Float32Array(size);
        this.grads = new Float32Array(size);
        const N = model.maxBatch * model.maxT;
        const widest = Math.max(c.dim, c.hiddenDim);
        this.buffers = { u: new Float32Array(0), du: new Float32Array(N * r), tmp: new Float32Array(N * widest),
            xDrop: new Float32Array(0), dxDrop: new Float32Array(dropout > 0 ? N * widest : 0) };
        for (const spec of this.tensors) {
            const { inFeatures: inF, outFeatures: outF } = spec;
            this.slots.set(`${spec.layer}.${spec.target}`, {
                spec,
                a: this.params.subarray(spec.aOffset, spec.aOffset + r * inF),
                b: this.params.subarray(spec.bOffset, spec.bOffset + outF * r),
                da: this.grads.subarray(spec.aOffset, spec.aOffset + r * inF),
                db: this.grads.subarray(spec.bOffset, spec.bOffset + outF * r),
                u: new Float32Array(N * r),
                mask: dropout > 0 ? new Uint8Array(N * inF) : null,
                xDrop: dropout > 0 ? new Float32Array(N * inF) : null,
                input: null,
                maskUsed: false,
            });
        }
    }

    /** Adds adapters to `model` (PEFT init: A kaiming-uniform, B zero) and freezes its base weights. */
    public static attach(model: LlamaModel, options: LoraOptions): LoraAdapters {
        const adapters = new LoraAdapters(model, options);
        for (const spec of adapters.tensors) {
            const bound = 1 / Math.sqrt(spec.inFeatures);
            const a = adapters.params.subarray(spec.aOffset, spec.aOffset + options.r * spec.inFeatures);
            for (let i = 0; i < a.length; i++) {
                a[i] = (adapters.rng.next() * 2 - 1) * bound;
            }
        }
        model.lora = adapters;
        model.frozenBase = true;
        return adapters;
    }

    public zeroGrad(): void {
        this.grads.fill(0);
    }

    /** The RNG state of the dropout masks, for bit-exact resume. */
    public rngState(): number[] {
        return this.rng.state();
    }

    public restoreRng(state: readonly number[]): void {
        const restored = Rng.fromState(state);
        Object.assign(this.rng, restored);
    }

    /** y (N, out) += adapter(x); called by the model after the base matmul of linear `target` in layer `layer`. */
    public forward(layer: number, target: LayerParam, y: Float32Array, x: Float32Array, N: number): void {
        const slot = this.slots.get(`${layer}.${target}`);
        if (slot === undefined) {
            return;
        }
        const { inFeatures: C, outFeatures: OC } = slot.spec;
        const keep = 1 - this.options.dropout;
        let mask: Uint8Array | null = null;
        if (slot.mask !== null && this.training) {
            mask = slot.mask;
            for (let i = 0; i < N * C; i++) {
                mask[i] = this.rng.next() < keep ? 1 : 0;
            }
        }
        this.buffers.u = slot.u;
        this.buffers.xDrop = slot.xDrop ?? this.buffers.xDrop;
        slot.maskUsed = mask !== null;
        slot.input = loraForward(this.kernels, y, this.buffers, x, slot.a, slot.b, this.scale, mask, keep, N, C, OC, this.options.r);
    }

    /** dx (N, in) += ∂/∂x of the adapter; dA, dB += their gradients. `dy` is the linear's output gradient. */
    public backward(layer: number, target: LayerParam, dx: Float32Array, dy: Float32Array, N: number): void {
        const slot = this.slots.get(`${layer}.${target}`);
        if (slot === undefined || slot.input === null) {
            return;
        }
        const { inFeatures: C, outFeatures: OC } = slot.spec;
        const usedMask = slot.maskUsed ? slot.mask : null;
        this.buffers.u = slot.u;
        loraBackward(this.kernels, dx, slot.da, slot.db, this.buffers, dy, slot.input, slot.a, slot.b, this.scale,
            usedMask, 1 - this.options.dropout, N, C, OC, this.options.r);
    }
}
