/**
 * A cheap content fingerprint of a model on disk (a file, a Hugging Face directory, a training run): what an
 * evaluation cache keys answers by, so answers of changed weights are never served for the new ones, while a copy
 * or a move of the same model keeps its cache. For every regular file (sorted relative name, size) it hashes the
 * first and last 1 MiB (safetensors and GGUF headers, config and tokenizer files whole when small) and 64 blocks of
 * 4 KiB spread over the rest: any retraining, merge or requantization changes essentially every tensor, so it
 * changes sampled bytes, at a cost of ~2.3 MiB read per file whatever the model's size.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const EDGE = 1 << 20;
const BLOCK = 4096;
const BLOCKS = 64;
/** Directory levels walked (a run: run/checkpoints/step-N/file). */
const MAX_DEPTH = 4;

export function modelFingerprint(path: string): string {
    const files: string[] = [];
    const walk = (p: string, depth: number): void => {
        const s = statSync(p);
        if (s.isFile()) {
            files.push(p);
        } else if (s.isDirectory() && depth < MAX_DEPTH) {
            // Hidden entries (locks, markers, temporaries of a running writer) are not the model.
            for (const name of readdirSync(p).filter((n) => !n.startsWith(".") && !/\.tmp-\d+/.test(n)).sort()) {
                walk(join(p, name), depth + 1);
            }
        }
    };
    walk(path, 0);
    const hash = createHash("sha256");
    const buffer = Buffer.alloc(EDGE);
    for (const file of files) {
        const size = statSync(file).size;
        hash.update(`${relative(path, file)}\0${size}\0`);
        const fd = openSync(file, "r");
        try {
            const read = (offset: number, length: number): void => {
                const n = readSync(fd, buffer, 0, length, offset);
                hash.update(buffer.subarray(0, n));
            };
            read(0, Math.min(EDGE, size));
            if (size > EDGE) {
                const middle = size - 2 * EDGE;
                for (let k = 0; k < BLOCKS && middle > 0; k++) {
                    read(EDGE + Math.floor((middle * k) / BLOCKS), Math.min(BLOCK, middle));
                }
                read(Math.max(EDGE, size - EDGE), Math.min(EDGE, size - EDGE));
            }
        } finally {
            closeSync(fd);
        }
    }
    return hash.digest("hex").slice(0, 32);
}
