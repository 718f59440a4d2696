/**
 * The row permutation llama.cpp's convert_hf_to_gguf.py applies to q_proj and k_proj (LlamaModel.permute):
 * Hugging Face checkpoints order each head's rows for rotate-half RoPE ([first halves..., second halves...]),
 * llama.cpp expects interleaved pairs. In numpy terms:
 *   w.reshape(n_head, 2, rows / n_head / 2, cols).swapaxes(1, 2).reshape(rows, cols)
 * with n_head = num_attention_heads for q and num_key_value_heads for k. Row (h, i, j) of the output, i < half,
 * j in {0, 1}, is row h*hd + j*half + i of the input.
 */

/** HF layout -> GGUF layout. `w` is (rows, cols) row-major; returns a new array. */
export function permuteQkToGguf(w: Float32Array, rows: number, cols: number, nHead: number): Float32Array {
    return permuteRows(w, rows, cols, nHead, false);
}

/** GGUF layout -> HF layout (the inverse). */
export function unpermuteQkFromGguf(w: Float32Array, rows: number, cols: number, nHead: number): Float32Array {
    return permuteRows(w, rows, cols, nHead, true);
}

function permuteRows(w: Float32Array, rows: number, cols: number, nHead: number, inverse: boolean): Float32Array {
    if (rows % (2 * nHead) !== 0 || w.length !== rows * cols) {
        throw new RangeError(`cannot permute ${rows}x${cols} (length ${w.length}) into ${nHead} heads of even size`);
    }
    const hd = rows / nHead;
    const half = hd / 2;
    const out = new Float32Array(w.length);
    for (let h = 0; h < nHead; h++) {
        for (let i = 0; i < half; i++) {
            for (let j = 0; j < 2; j++) {
                const ggufRow = h * hd + i * 2 + j;
                const hfRow = h * hd + j * half + i;
                const [dst, src] = inverse ? [hfRow, ggufRow] : [ggufRow, hfRow];
                out.set(w.subarray(src * cols, (src + 1) * cols), dst * cols);
            }
        }
    }
    return out;
}
