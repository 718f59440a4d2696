/**
 * Writes a safetensors file tensor by tensor: the header is built from dtypes and shapes alone, then each
 * tensor's bytes are produced (by its `data` callback) and written in turn, so a 13B checkpoint never sits in
 * memory twice. The header JSON is compact, `__metadata__` first, tensors in the order given, and padded with
 * spaces to a multiple of 8 bytes as the reference writer does. Written to a temporary name, fsynced, renamed.
 */
import { ConfigError } from "../../errors/MellamaError.js";
import { atomicWriteFileSync } from "../../util/atomicWrite.js";
import { SAFETENSORS_DTYPE_BYTES, type SafetensorsDtype } from "./dtypes.js";

export interface SafetensorsTensorInput {
    name: string;
    dtype: SafetensorsDtype;
    shape: readonly number[];
    /** The tensor's bytes (little-endian), or a function producing them when it is this tensor's turn. */
    data: Uint8Array | (() => Uint8Array);
}

export interface WriteSafetensorsOptions {
    tensors: readonly SafetensorsTensorInput[];
    metadata?: Record<string, string>;
}

export function safetensorsHeaderBytes({ tensors, metadata }: WriteSafetensorsOptions): Uint8Array {
    const header: Record<string, unknown> = {};
    if (metadata !== undefined && Object.keys(metadata).length > 0) {
        header.__metadata__ = metadata;
    }
    let offset = 0;
    for (const t of tensors) {
        if (t.name === "__metadata__" || Object.hasOwn(header, t.name)) {
            throw new ConfigError(`tensors.${t.name}`, "duplicate or reserved tensor name");
        }
        const size = t.shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPE_BYTES[t.dtype];
        header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
        offset += size;
    }
    const json = Buffer.from(JSON.stringify(header), "utf8");
    const padded = Math.ceil(json.length / 8) * 8;
    const out = new Uint8Array(8 + padded).fill(0x20);
    new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
    out.set(json, 8);
    return out;
}

export function writeSafetensors(path: string, options: WriteSafetensorsOptions): void {
    atomicWriteFileSync(path, (function* chunks(): Generator<Uint8Array> {
        yield safetensorsHeaderBytes(options);
        for (const t of options.tensors) {
            const bytes = typeof t.data === "function" ? t.data() : t.data;
            const expected = t.shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPE_BYTES[t.dtype];
            if (bytes.byteLength !== expected) {
                throw new ConfigError(`tensors.${t.name}`, `${bytes.byteLength} bytes of data for ${t.dtype}${JSON.stringify(t.shape)}, which needs ${expected}`);
            }
            yield bytes;
        }
    })());
}
