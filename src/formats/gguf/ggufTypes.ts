/**
 * GGUF value types and GGML tensor types (ggml's docs/gguf.md and ggml.h). Only the tensor types listed here are
 * accepted; mellama converts F32, F16, BF16 and Q8_0 and can inspect the others (their block layout is known).
 */

export enum GgufValueType {
    UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7, STRING = 8, ARRAY = 9,
    UINT64 = 10, INT64 = 11, FLOAT64 = 12,
}

export type GgufScalarType = Exclude<GgufValueType, GgufValueType.ARRAY>;
export type GgufScalar = number | bigint | boolean | string;

/** One metadata value with its exact on-disk type, so files round-trip byte for byte. 64-bit integers are bigints. */
export type GgufValue =
    | { type: GgufScalarType; value: GgufScalar }
    | { type: GgufValueType.ARRAY; itemType: GgufScalarType; value: GgufScalar[] };

/** Bytes of a scalar of each fixed-size type (strings are variable). */
export const GGUF_SCALAR_BYTES: Readonly<Partial<Record<GgufValueType, number>>> = {
    [GgufValueType.UINT8]: 1, [GgufValueType.INT8]: 1, [GgufValueType.BOOL]: 1, [GgufValueType.UINT16]: 2, [GgufValueType.INT16]: 2,
    [GgufValueType.UINT32]: 4, [GgufValueType.INT32]: 4, [GgufValueType.FLOAT32]: 4, [GgufValueType.UINT64]: 8,
    [GgufValueType.INT64]: 8, [GgufValueType.FLOAT64]: 8,
};

export enum GgmlType {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9, Q2_K = 10, Q3_K = 11, Q4_K = 12,
    Q5_K = 13, Q6_K = 14, Q8_K = 15, I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, BF16 = 30,
}

/** [values per block, bytes per block] (ggml's type_traits). */
export const GGML_BLOCK: Readonly<Record<GgmlType, readonly [number, number]>> = {
    [GgmlType.F32]: [1, 4], [GgmlType.F16]: [1, 2], [GgmlType.Q4_0]: [32, 18], [GgmlType.Q4_1]: [32, 20],
    [GgmlType.Q5_0]: [32, 22], [GgmlType.Q5_1]: [32, 24], [GgmlType.Q8_0]: [32, 34], [GgmlType.Q8_1]: [32, 36],
    [GgmlType.Q2_K]: [256, 84], [GgmlType.Q3_K]: [256, 110], [GgmlType.Q4_K]: [256, 144], [GgmlType.Q5_K]: [256, 176],
    [GgmlType.Q6_K]: [256, 210], [GgmlType.Q8_K]: [256, 292], [GgmlType.I8]: [1, 1], [GgmlType.I16]: [1, 2],
    [GgmlType.I32]: [1, 4], [GgmlType.I64]: [1, 8], [GgmlType.F64]: [1, 8], [GgmlType.BF16]: [1, 2],
};

export function isGgmlType(value: number): value is GgmlType {
    return Object.hasOwn(GGML_BLOCK, value);
}

/** llama.cpp's LLAMA_FTYPE for general.file_type. */
export const LLAMA_FILE_TYPE = {
    F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q8_0: 7, Q5_0: 8, Q5_1: 9, Q2_K: 10, Q3_K_M: 12, Q4_K_S: 14, Q4_K_M: 15, Q5_K_S: 16,
    Q5_K_M: 17, Q6_K: 18, BF16: 32,
} as const;

/** ggml's GGML_MAX_DIMS and GGML_MAX_NAME (names must be shorter than this, in bytes). */
export const GGML_MAX_DIMS = 4;
export const GGML_MAX_NAME = 64;
export const GGUF_DEFAULT_ALIGNMENT = 32;

export interface GgufTensorInfo {
    name: string;
    /** ggml order: fastest-varying first (the reverse of the PyTorch shape). */
    dims: number[];
    type: GgmlType;
    /** Relative to the start of the data section. */
    offset: number;
    byteSize: number;
}

export function ggmlByteSize(type: GgmlType, dims: readonly number[]): number {
    const [block, bytes] = GGML_BLOCK[type];
    const rows = dims.slice(1).reduce((a, b) => a * b, 1);
    return ((dims[0] ?? 1) / block) * bytes * rows;
}
