/** safetensors dtypes and their element sizes (the Rust reference's `Dtype`). */
export const SAFETENSORS_DTYPE_BYTES = {
    BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
} as const;

export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPE_BYTES;

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
    return typeof value === "string" && Object.hasOwn(SAFETENSORS_DTYPE_BYTES, value);
}
