/**
 * Worker thread entry of CorpusWorkers: runs documentsWork / packWork batches posted by the pool and posts the
 * results back (typed arrays transferred). It loads its own tokenizer from the config's path when asked and
 * answers with the tokenizer's hash, so the pool only sends pack batches when that hash is the caller's.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadTokenizer } from "../tokenizer/loadTokenizer.js";
import type { Tokenizer } from "../tokenizer/Tokenizer.js";
import { documentsWork, type DocumentsTask, packWork, type WorkSettings } from "./corpusWork.js";
import { MinHashLsh } from "./dedup.js";

// Settings come with the worker, or (a pool started before the config was read) in a "settings" message first.
let settings = (workerData as { settings: WorkSettings | null }).settings;
let lsh = settings === null ? null : new MinHashLsh(settings.dedup);
const port = parentPort!;
let tokenizer: Tokenizer | null = null;
port.postMessage({ ready: true });

type Message = { seq: number; kind: "documents"; task: DocumentsTask } | { seq: number; kind: "pack"; texts: string[] } | { seq: number; kind: "tokenizer"; path: string }
    | { kind: "settings"; settings: WorkSettings };

port.on("message", (m: Message) => {
    if (m.kind === "settings") {
        settings = m.settings;
        lsh = new MinHashLsh(settings.dedup);
        return;
    }
    try {
        if (m.kind === "tokenizer") {
            tokenizer = loadTokenizer(m.path);
            port.postMessage({ seq: m.seq, result: tokenizer.hash });
        } else if (m.kind === "documents") {
            port.postMessage({ seq: m.seq, result: documentsWork(m.task, settings!) });
        } else {
            const result = packWork(m.texts, lsh!, tokenizer!);
            port.postMessage({ seq: m.seq, result }, [result.signatures.buffer, result.ids.buffer, result.offsets.buffer]);
        }
    } catch (error) {
        // The error's class and code only: a message could quote the input.
        const e = error as NodeJS.ErrnoException;
        port.postMessage({ seq: m.seq, error: `${e.name}${e.code === undefined ? "" : ` ${e.code}`}` });
    }
});
