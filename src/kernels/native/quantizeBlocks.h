// quantizeBlocks: ggml's reference quantizers for Q8_0 and Q2_K..Q6_K, byte-identical to src/formats/quant.
#pragma once
#include <cstddef>
#include <cstdint>

namespace mellama {

// Whether `type` (a GgmlType number) is quantized here; if so its block length and block bytes.
bool quantizeBlocksSupported(int type, int* block, int* bytes);
// Quantizes `blocks` blocks of `src` into `out` on up to `threads` threads (whole blocks each, so the bytes do
// not depend on the thread count). The caller has checked the type and both lengths.
void quantizeBlocks(int type, const float* src, size_t blocks, uint8_t* out, int threads);

}  // namespace mellama
