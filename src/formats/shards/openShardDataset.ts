/**
 * A corpus directory (manifest.json + train/validation Megatron shards) as the trainer's TokenDataset.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";
import { openMegatronIndexed } from "./megatronIndexed.js";

export interface ShardDataset {
    numSequences: number;
    seqLen: number;
    tokenizerHash: string;
    read(index: number, out: Int32Array): void;
    close(): void;
}

export function openShardDataset(dir: string, split: "train" | "validation" = "train"): ShardDataset {
    const manifestPath = join(dir, "manifest.json");
    if (!existsSync(manifestPath)) {
        throw new FormatError(manifestPath, "manifest", "missing: not a corpus directory (run `mellama corpus build`)");
    }
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { seqLen: number; tokenizer: { hash: string }; [k: string]: unknown };
    const data = openMegatronIndexed(join(dir, split));
    return { numSequences: data.numSequences, seqLen: manifest.seqLen, tokenizerHash: manifest.tokenizer.hash, read: data.read, close: data.close };
}
