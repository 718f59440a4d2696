/**
 * An open safetensors file: the validated header in memory, tensor data read on demand with one positioned read
 * per tensor. Close it (or `using`) when done; it holds a file descriptor.
 */
import { SafetensorsError } from "./SafetensorsError.js";
import { type ByteSource, fileSource } from "./ByteSource.js";
import { bytesToF32 } from "./decodeTensor.js";
import { parseSafetensorsHeader, type SafetensorsHeader, type SafetensorsTensorInfo } from "./parseSafetensors.js";

export class SafetensorsFile {
    public readonly header: SafetensorsHeader;
    private readonly byName = new Map<string, SafetensorsTensorInfo>();

    public constructor(private readonly source: ByteSource) {
        this.header = parseSafetensorsHeader({ source });
        for (const t of this.header.tensors) {
            this.byName.set(t.name, t);
        }
    }

    public static open(path: string): SafetensorsFile {
        const source = fileSource(path);
        try {
            return new SafetensorsFile(source);
        } catch (error) {
            source.close();
            throw error;
        }
    }

    public get name(): string {
        return this.source.name;
    }

    public get tensors(): readonly SafetensorsTensorInfo[] {
        return this.header.tensors;
    }

    public get metadata(): Readonly<Record<string, string>> {
        return this.header.metadata;
    }

    public info(name: string): SafetensorsTensorInfo {
        const t = this.byName.get(name);
        if (t === undefined) {
            throw new SafetensorsError(this.source.name, name, "no such tensor in this file");
        }
        return t;
    }

    public has(name: string): boolean {
        return this.byName.has(name);
    }

    /** The tensor's raw little-endian bytes. */
    public readBytes(name: string, out?: Uint8Array): Uint8Array {
        const t = this.info(name);
        return this.source.read(this.header.dataStart + t.begin, t.end - t.begin, name, out);
    }

    /** The tensor's bytes mapped from the file without a copy, or null (see ByteSource.map). */
    public mapBytes(name: string): Uint8Array | null {
        const t = this.info(name);
        return this.source.map(this.header.dataStart + t.begin, t.end - t.begin, name);
    }

    /** The tensor as float32 (F32, F16, BF16 or F64 on disk). */
    public readF32(name: string): Float32Array {
        return bytesToF32(this.readBytes(name), this.info(name).dtype, this.source.name, name);
    }

    public close(): void {
        this.source.close();
    }

    public [Symbol.dispose](): void {
        this.close();
    }
}
