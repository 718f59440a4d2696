/**
 * A Hugging Face LLaMA checkpoint directory opened for reading: config.json (LlamaForCausalLM), model.safetensors
 * or the shards named by model.safetensors.index.json. Tensors are read one at a time from whichever shard holds
 * them; nothing is loaded up front but the headers.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";
import type { LlamaConfig } from "../../model/LlamaConfig.js";
import { fromHfConfig } from "../../model/hfConfig.js";
import { SafetensorsFile } from "../safetensors/SafetensorsFile.js";
import type { SafetensorsTensorInfo } from "../safetensors/parseSafetensors.js";

export const INDEX_FILE = "model.safetensors.index.json";

/** config.json and the index are kilobytes to a few MB (70B: ~100 KB); anything far larger is refused unread. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

function readJson(path: string): unknown {
    const size = statSync(path).size;
    if (size > MAX_JSON_BYTES) {
        throw new FormatError(path, "size", `${size} bytes is far beyond any config or index file`);
    }
    try {
        return JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
        throw new FormatError(path, "json", `not valid JSON (${(error as Error).message})`);
    }
}

/** The shard file names an index lists, refusing anything that is not a plain file name in the directory. */
function shardFiles(indexPath: string): { files: string[]; weightMap: Record<string, string> } {
    const index = readJson(indexPath) as { weight_map?: unknown } | null;
    const map = index?.weight_map;
    if (map === null || typeof map !== "object" || Array.isArray(map)) {
        throw new FormatError(indexPath, "weight_map", "must be an object of tensor name -> shard file");
    }
    const files = new Set<string>();
    for (const [name, file] of Object.entries(map as Record<string, unknown>)) {
        if (typeof file !== "string" || file !== basename(file) || file.startsWith(".")) {
            throw new FormatError(indexPath, `weight_map.${name}`, `${JSON.stringify(file)} is not a shard file name in this directory`);
        }
        files.add(file);
    }
    return { files: [...files], weightMap: map as Record<string, string> };
}

export class HfCheckpoint {
    private readonly where = new Map<string, SafetensorsFile>();

    private constructor(
        public readonly dir: string,
        public readonly config: LlamaConfig,
        public readonly rawConfig: Record<string, unknown>,
        public readonly files: readonly SafetensorsFile[],
    ) {
        for (const f of files) {
            for (const t of f.tensors) {
                if (this.where.has(t.name)) {
                    throw new FormatError(f.name, t.name, "tensor also present in another shard");
                }
                this.where.set(t.name, f);
            }
        }
    }

    /** Opens a directory, or a .safetensors file with config.json beside it. */
    public static open(path: string): HfCheckpoint {
        const isFile = path.endsWith(".safetensors");
        const dir = isFile ? join(path, "..") : path;
        const configPath = join(dir, "config.json");
        if (!existsSync(configPath)) {
            throw new FormatError(dir, "config.json", "missing: not a Hugging Face model directory");
        }
        const rawConfig = readJson(configPath) as Record<string, unknown>;
        const config = fromHfConfig(rawConfig, configPath);
        let names: string[];
        let weightMap: Record<string, string> | undefined;
        if (isFile) {
            names = [basename(path)];
        } else if (existsSync(join(dir, "model.safetensors"))) {
            names = ["model.safetensors"];
        } else if (existsSync(join(dir, INDEX_FILE))) {
            ({ files: names, weightMap } = shardFiles(join(dir, INDEX_FILE)));
        } else {
            throw new FormatError(dir, "model.safetensors", `missing, and no ${INDEX_FILE}`);
        }
        const files: SafetensorsFile[] = [];
        try {
            for (const name of names) {
                files.push(SafetensorsFile.open(join(dir, name)));
            }
            const checkpoint = new HfCheckpoint(dir, config, rawConfig, files);
            for (const [tensor, file] of Object.entries(weightMap ?? {})) {
                if (checkpoint.where.get(tensor)?.name !== join(dir, file)) {
                    throw new FormatError(join(dir, INDEX_FILE), `weight_map.${tensor}`, `is not in ${file}`);
                }
            }
            return checkpoint;
        } catch (error) {
            files.forEach((f) => f.close());
            throw error;
        }
    }

    public get tensorNames(): string[] {
        return [...this.where.keys()];
    }

    public has(name: string): boolean {
        return this.where.has(name);
    }

    public info(name: string): SafetensorsTensorInfo {
        return this.file(name).info(name);
    }

    public readF32(name: string): Float32Array {
        return this.file(name).readF32(name);
    }

    public readBytes(name: string, out?: Uint8Array): Uint8Array {
        return this.file(name).readBytes(name, out);
    }

    /** The tensor's bytes mapped from its file without a copy, or null (see ByteSource.map). */
    public mapBytes(name: string): Uint8Array | null {
        return this.file(name).mapBytes(name);
    }

    private file(name: string): SafetensorsFile {
        const f = this.where.get(name);
        if (f === undefined) {
            throw new FormatError(this.dir, name, "no such tensor in this checkpoint");
        }
        return f;
    }

    public close(): void {
        this.files.forEach((f) => f.close());
    }

    public [Symbol.dispose](): void {
        this.close();
    }
}
