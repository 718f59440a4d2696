/**
 * Layout `pack`: several conversations per training row, as LLaMA-Factory's neat_packing and axolotl's multipack
 * do, with the examples kept apart. Each row carries positions that restart at 0 where a conversation starts; the
 * model turns them into RoPE positions and a block-diagonal causal attention mask (LlamaModel forward's
 * `positions`), so no conversation attends to another and each is computed as if it were alone in its row. The
 * loss masks are the unpacked ones, conversation by conversation.
 *
 * Packing is first-fit decreasing: conversations sorted by length (longest first, ties in input order), each put in
 * the first row it fits, a new row opened when none does. The rows depend only on the conversations (no seed);
 * the training order of rows is shuffled per epoch with the run's seed like the unpacked rows. A conversation is
 * never split: one longer than the row follows the truncation rule of the unpacked layout (sftWindow) and fills a
 * row alone. Conversations with no learned token left in their window are dropped (they carry no loss).
 * The padding at a row's end is one more segment (positions 0..) with no loss; nothing attends to it.
 * First fit in O(n log rows): a max-tree over the rows' free space finds the leftmost row with room.
 */
import { type EncodedConversation, IGNORE_INDEX, placeConversation, type SftSequences, sftWindow, type SftWindow } from "./sftSequences.js";

/** Leftmost-fit search over row capacities: a segment tree of the largest free space in each range of rows. */
class FreeSpaceTree {
    private readonly size: number;
    private readonly max: Int32Array;

    public constructor(rows: number, capacity: number) {
        this.size = 1 << Math.ceil(Math.log2(Math.max(1, rows)));
        this.max = new Int32Array(2 * this.size);
        for (let i = 0; i < rows; i++) {
            this.max[this.size + i] = capacity;
        }
        for (let i = this.size - 1; i >= 1; i--) {
            this.max[i] = Math.max(this.max[2 * i]!, this.max[2 * i + 1]!);
        }
    }

    /** The first row with at least `need` free, or -1. */
    public firstFit(need: number): number {
        if (this.max[1]! < need) {
            return -1;
        }
        let i = 1;
        while (i < this.size) {
            i = this.max[2 * i]! >= need ? 2 * i : 2 * i + 1;
        }
        return i - this.size;
    }

    public take(row: number, amount: number): void {
        let i = this.size + row;
        this.max[i]! -= amount;
        for (i >>= 1; i >= 1; i >>= 1) {
            this.max[i] = Math.max(this.max[2 * i]!, this.max[2 * i + 1]!);
        }
    }
}

interface Item {
    conversation: EncodedConversation;
    window: SftWindow;
    /** Input positions it takes: window length - 1 (the last id is only a target). */
    length: number;
}

/** Rows of T inputs packed with conversations (first-fit decreasing); see the file header. */
export function packSftSequences(encoded: readonly EncodedConversation[], T: number, padId: number): SftSequences {
    const items: Item[] = [];
    let truncated = 0;
    for (const conversation of encoded) {
        const window = sftWindow(conversation, T);
        if (!conversation.learn.slice(window.start + 1, window.end).includes(true)) {
            continue;
        }
        truncated += window.truncated ? 1 : 0;
        items.push({ conversation, window, length: window.end - window.start - 1 });
    }
    // Array.prototype.sort is stable: equal lengths keep the input order.
    const order = items.map((_, i) => i).sort((a, b) => items[b]!.length - items[a]!.length);
    // One candidate row per item, all empty at first: every item (length ≤ T) fits some row, and as rows are
    // taken leftmost first, the first fit is an opened row or the next unopened one.
    const tree = new FreeSpaceTree(items.length, T);
    const rowOf = new Int32Array(items.length);
    let rows = 0;
    for (const i of order) {
        const row = tree.firstFit(items[i]!.length);
        tree.take(row, items[i]!.length);
        rowOf[i] = row;
        rows = Math.max(rows, row + 1);
    }
    const tokens = new Int32Array(rows * T).fill(padId);
    const targets = new Int32Array(rows * T).fill(IGNORE_INDEX);
    const positions = new Int32Array(rows * T);
    const fill = new Int32Array(rows);
    let lossTokens = 0;
    let filled = 0;
    for (const i of order) {
        const { conversation, window, length } = items[i]!;
        const row = rowOf[i]!;
        const col = fill[row]!;
        lossTokens += placeConversation(tokens.subarray(row * T, (row + 1) * T), targets.subarray(row * T, (row + 1) * T), col,
            conversation, window, length);
        for (let p = 0; p < length; p++) {
            positions[row * T + col + p] = p;
        }
        fill[row] = col + length;
        filled += length;
    }
    for (let row = 0; row < rows; row++) {
        for (let col = fill[row]!, p = 0; col < T; col++, p++) {
            positions[row * T + col] = p;
        }
    }
    return { tokens, targets, rows, T, lossTokens, truncated, positions, efficiency: rows > 0 ? filled / (rows * T) : 0 };
}
