/**
 * Turns instruction examples into training sequences with the loss on response tokens only: the prompt's
 * tokens get target -100 (ignored by the cross-entropy), the response and its EOS are learned. The prompt is
 * tokenized with the full text and its length taken as the common prefix with the prompt tokenized alone, so a
 * merge across the prompt/response boundary never misplaces the mask.
 *
 * Two layouts: `pad` (one example per row, right-padded, long prompts cut from the left so the response
 * survives) and `pack` (examples concatenated across rows; cheaper, at the price of attention across example
 * boundaries within a row, as most packing trainers accept).
 */
export interface SftTokenizer {
    readonly eosId: number;
    encode(text: string, options?: { bos?: boolean; eos?: boolean }): number[];
}

export interface SftExample {
    prompt: string;
    answer: string;
}

export interface SftSequences {
    /** (rows, T) input ids. */
    tokens: Int32Array;
    /** (rows, T) next-token targets, -100 where no loss is taken. */
    targets: Int32Array;
    rows: number;
    T: number;
    /** Response tokens that carry loss. */
    lossTokens: number;
    /** Examples whose response alone exceeded the row and was cut (pad layout). */
    truncated: number;
}

export const IGNORE_INDEX = -100;

/** ids = BOS prompt response EOS; labels mask the prompt. */
export function tokenizeExample(tokenizer: SftTokenizer, example: SftExample): { ids: number[]; promptLength: number } {
    const promptIds = tokenizer.encode(example.prompt, { bos: true });
    const ids = tokenizer.encode(example.prompt + example.answer, { bos: true });
    ids.push(tokenizer.eosId);
    let common = 0;
    while (common < promptIds.length && common < ids.length && promptIds[common] === ids[common]) {
        common++;
    }
    // A boundary merge makes the last prompt token differ; it then belongs to the response side.
    return { ids, promptLength: Math.min(common, promptIds.length) };
}

export function buildSftSequences(tokenizer: SftTokenizer, examples: readonly SftExample[], T: number,
    layout: "pad" | "pack", padId: number): SftSequences {
    const encoded = examples.map((e) => tokenizeExample(tokenizer, e));
    // Inputs are ids[0..n-2], targets ids[1..n-1]: a row of T inputs consumes T+1 ids.
    const rowsIds: number[][] = [];
    const rowsLabels: number[][] = [];
    let truncated = 0;
    if (layout === "pad") {
        for (const { ids, promptLength } of encoded) {
            let start = 0;
            if (ids.length > T + 1) {
                start = Math.min(ids.length - (T + 1), promptLength);
                if (ids.length - start > T + 1) {
                    truncated++;
                }
            }
            const slice = ids.slice(start, start + T + 1);
            rowsIds.push(slice);
            rowsLabels.push(slice.map((id, i) => (start + i < promptLength ? IGNORE_INDEX : id)));
        }
    } else {
        const flatIds: number[] = [];
        const flatLabels: number[] = [];
        for (const { ids, promptLength } of encoded) {
            ids.forEach((id, i) => {
                flatIds.push(id);
                flatLabels.push(i < promptLength ? IGNORE_INDEX : id);
            });
        }
        for (let start = 0; start + 1 < flatIds.length; start += T) {
            rowsIds.push(flatIds.slice(start, start + T + 1));
            rowsLabels.push(flatLabels.slice(start, start + T + 1));
        }
    }
    const rows = rowsIds.length;
    const tokens = new Int32Array(rows * T).fill(padId);
    const targets = new Int32Array(rows * T).fill(IGNORE_INDEX);
    let lossTokens = 0;
    for (let r = 0; r < rows; r++) {
        const ids = rowsIds[r]!;
        const labels = rowsLabels[r]!;
        for (let t = 0; t < T && t < ids.length; t++) {
            tokens[r * T + t] = ids[t]!;
            if (t + 1 < ids.length) {
                targets[r * T + t] = labels[t + 1]!;
                if (labels[t + 1] !== IGNORE_INDEX) {
                    lossTokens++;
                }
            }
        }
    }
    return { tokens, targets, rows, T, lossTokens, truncated };
}
