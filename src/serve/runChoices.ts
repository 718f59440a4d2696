/**
 * Runs the sequences of one request (n choices per prompt) through the model's SequenceBatcher, where they decode
 * together with every other client's, streaming each choice's text through `onText` and recording time to first
 * text, inter-token latency and token counts. The request's signal (client gone, timeout) ends its sequences at
 * the next step and frees their slots; what was generated stays.
 */
import type { GenerateOutput } from "../model/inference/index.js";
import type { ServeMetrics } from "./ServeMetrics.js";
import type { ServedModel } from "./ServedModel.js";

export interface ChoiceSpec {
    index: number;
    promptIds: readonly number[];
    maxTokens: number;
    seed: number;
}

export interface Sampling {
    temperature: number;
    topP: number;
    topK: number;
    stop: readonly string[];
}

export interface RunChoicesOptions {
    model: ServedModel;
    choices: readonly ChoiceSpec[];
    sampling: Sampling;
    signal: AbortSignal;
    metrics: ServeMetrics;
    /** performance.now() when the request arrived. */
    startedAt: number;
    onText?: (index: number, chunk: string) => void;
}

export async function runChoices({ model, choices, sampling, signal, metrics, startedAt, onText }: RunChoicesOptions): Promise<GenerateOutput[]> {
    const labels = { model: model.name };
    const ttft = metrics.histogram("mellama_time_to_first_token_seconds", labels);
    const itl = metrics.histogram("mellama_inter_token_latency_seconds", labels);
    return Promise.all(choices.map(async (choice) => {
        let last = -1;
        const out = await model.session.batcher.generate(choice.promptIds, {
            maxTokens: choice.maxTokens, temperature: sampling.temperature, topP: sampling.topP, topK: sampling.topK,
            stop: sampling.stop, seed: choice.seed, signal, ...(model.adapter === null ? {} : { adapter: model.adapter }),
            onText: (chunk) => {
                const now = performance.now();
                if (last < 0) {
                    ttft.observe((now - startedAt) / 1000);
                } else {
                    itl.observe((now - last) / 1000);
                }
                last = now;
                onText?.(choice.index, chunk);
            },
        });
        metrics.count("mellama_generated_tokens_total", labels, out.tokens.length);
        return out;
    }));
}
