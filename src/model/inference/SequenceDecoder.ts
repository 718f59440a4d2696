/**
 * SequenceDecoder: what happens to one sequence between two forward passes: repetition penalty, sampling with
 * the sequence's own seeded generator, EOS, stop strings (text held back while it could still become one),
 * streaming through onText, max tokens, the context limit and abort. The session feeds it logits and feeds the
 * model the token it returns, whether the sequence runs alone or in a batch, so both give the same text.
 */
import type { Tokenizer } from "../../tokenizer/Tokenizer.js";
import { Rng } from "../../util/rng.js";
import type { GenerateOptions, GenerateOutput } from "./InferenceSession.js";

export class SequenceDecoder {
    /** Where the token next() returned goes in the sequence (and its KV cache); -1 before the first. */
    public feedPos = -1;
    /** Position of the next token sampled (the prompt's length at first). */
    private pos: number;
    private readonly tokenizer: Tokenizer;
    private readonly options: Required<Pick<GenerateOptions, "maxTokens" | "temperature" | "topK" | "topP" | "repetitionPenalty">> & GenerateOptions;
    private readonly maxContext: number;
    private readonly rng: Rng;
    private readonly seen: Set<number>;
    private readonly out: number[] = [];
    private text = "";
    private emitted = 0;
    private finishReason: GenerateOutput["finishReason"] = "length";
    private finished = false;
    private contextFull = false;

    public constructor(tokenizer: Tokenizer, promptIds: readonly number[], options: GenerateOptions, maxContext: number) {
        this.tokenizer = tokenizer;
        this.options = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1, ...options };
        this.maxContext = maxContext;
        this.rng = new Rng(options.seed ?? 0);
        this.seen = new Set(promptIds);
        this.pos = promptIds.length;
        this.finished = this.out.length >= this.options.maxTokens || this.pos >= maxContext || options.signal?.aborted === true;
        this.contextFull = this.options.maxTokens > 0 && this.pos >= maxContext;
    }

    public get done(): boolean {
        return this.finished;
    }

    /**
     * Picks the next token from the logits of the last position (modified in place by the repetition penalty);
     * returns it when the model must see it (at `feedPos`) to go on, or null when the sequence has finished.
     */
    public next(logits: Float32Array): number | null {
        if (this.finished) {
            return null;
        }
        if (this.aborted()) {
            return this.finish("length");
        }
        const { temperature, topK, topP, repetitionPenalty, stop = [], onText } = this.options;
        if (repetitionPenalty !== 1) {
            applyRepetitionPenalty(logits, this.seen, repetitionPenalty);
        }
        const token = sample(logits, temperature, topK, topP, this.rng);
        if (token === this.tokenizer.eosId) {
            return this.finish("eos");
        }
        this.out.push(token);
        this.seen.add(token);
        this.text = this.tokenizer.decode(this.out);
        const hit = stop.map((s) => this.text.indexOf(s)).filter((i) => i >= 0);
        if (hit.length > 0) {
            this.text = this.text.slice(0, Math.min(...hit));
            return this.finish("stop");
        }
        // Hold back text that could still become a stop string.
        const safe = this.text.length - Math.max(0, ...stop.map((s) => s.length - 1));
        if (onText && safe > this.emitted) {
            onText(this.text.slice(this.emitted, safe));
            this.emitted = safe;
        }
        // Another token needs this one fed at pos and a free position after it.
        if (this.out.length >= this.options.maxTokens || this.pos + 1 >= this.maxContext || this.aborted()) {
            this.contextFull = this.out.length < this.options.maxTokens && this.pos + 1 >= this.maxContext && !this.aborted();
            return this.finish("length");
        }
        this.feedPos = this.pos++;
        return token;
    }

    /** Ends the sequence now (an error elsewhere, or the caller gave up): what was generated so far stands. */
    public finish(reason: GenerateOutput["finishReason"]): null {
        if (!this.finished) {
            this.finished = true;
            this.finishReason = reason;
            if (this.options.onText && this.text.length > this.emitted) {
                this.options.onText(this.text.slice(this.emitted));
                this.emitted = this.text.length;
            }
        }
        return null;
    }

    /** A method, not an inline check: the signal can flip between two reads (TypeScript would narrow it). */
    private aborted(): boolean {
        return this.options.signal?.aborted === true;
    }

    public result(): GenerateOutput {
        return { text: this.text, tokens: [...this.out], finishReason: this.finishReason, contextFull: this.contextFull };
    }
}

/** In place, over each distinct earlier token once (the CTRL paper's penalty as HF and llama.cpp apply it). */
export function applyRepetitionPenalty(logits: Float32Array, seen: ReadonlySet<number>, penalty: number): void {
    for (const id of seen) {
        const v = logits[id];
        if (v !== undefined) {
            logits[id] = v > 0 ? v / penalty : v * penalty;
        }
    }
}

/** Greedy at temperature 0; else softmax(logits / T) restricted to the top-k and the top-p nucleus. */
export function sample(logits: Float32Array, temperature: number, topK: number, topP: number, rng: Rng): number {
    if (temperature <= 0) {
        let best = 0;
        for (let i = 1; i < logits.length; i++) {
            if (logits[i]! > logits[best]!) {
                best = i;
            }
        }
        return best;
    }
    const order = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]!);
    const kept = topK > 0 ? order.slice(0, topK) : order;
    const max = logits[kept[0]!]!;
    const probs = kept.map((i) => Math.exp((logits[i]! - max) / temperature));
    const total = probs.reduce((a, b) => a + b, 0);
    let cumulative = 0;
    let cut = kept.length;
    for (let i = 0; i < kept.length; i++) {
        cumulative += probs[i]! / total;
        if (cumulative >= topP) {
            cut = i + 1;
            break;
        }
    }
    const mass = probs.slice(0, cut).reduce((a, b) => a + b, 0);
    let r = rng.next() * mass;
    for (let i = 0; i < cut; i++) {
        r -= probs[i]!;
        if (r <= 0) {
            return kept[i]!;
        }
    }
    return kept[cut - 1]!;
}
