/**
 * `serve(options)`: loads each model through the inference API (one session and SequenceBatcher per model),
 * reads its chat template, and starts the server. Each LoRA adapter is served as one more model name over its
 * base's session, unmerged: its requests decode in the base's batches (LoraAdapter, SequenceBatcher), and its
 * chat template is its own directory's (tokenizer_config.json), else its base's. Binds to loopback unless told otherwise, and then only with an
 * API key: a server on another address without one would hand the model (and whatever clinical text clients send
 * it) to anyone on the network.
 *
 * @example
 * const server = await serve({ models: [{ name: "me-llama", path: "runs/sft/merged" }], port: 0 });
 * console.log(server.url); // http://127.0.0.1:PORT
 * await server.close();
 */
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { ConfigError } from "../errors/MellamaError.js";
import { loadForInference, LoraAdapter, type SessionOptions } from "../model/inference/index.js";
import { createServeApp } from "./createServeApp.js";
import { readChatTemplate } from "../formats/model/readChatTemplate.js";
import { ServedModel } from "./ServedModel.js";

export interface ServeModelSpec {
    /** The name clients send as `model`; default the file or directory name (without .gguf). */
    name?: string;
    path: string;
    /** A Jinja chat template file that replaces the model's own. */
    chatTemplate?: string;
}

export interface ServeAdapterSpec {
    /** The name clients send as `model`. */
    name: string;
    /** A PEFT LoRA adapter directory (adapter_config.json, adapter_model.safetensors). */
    path: string;
    /** The served model it runs on; may be left out when one model is served. */
    base?: string;
    /** A Jinja chat template file; default the adapter directory's tokenizer_config.json, else the base's template. */
    chatTemplate?: string;
}

export interface ServeOptions {
    models: readonly ServeModelSpec[];
    /** LoRA adapters served as extra model names over their base, unmerged. */
    adapters?: readonly ServeAdapterSpec[];
    host?: string;
    /** 0 picks a free port. */
    port?: number;
    apiKey?: string;
    runsDir?: string;
    /** Sequences decoded together per model, 1..16; default 8. */
    maxBatch?: number;
    /** Sequences waiting beyond those decoding, per model; default 64. */
    maxQueue?: number;
    maxTokensLimit?: number;
    maxContext?: number;
    bodyLimit?: number;
    timeoutMs?: number;
    threads?: number;
    kernels?: SessionOptions["kernels"];
    /** Map weights from their files (default true). */
    mmap?: boolean;
    log?: (line: string) => void;
}

export interface RunningServer {
    url: string;
    models: readonly ServedModel[];
    close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export async function serve(options: ServeOptions): Promise<RunningServer> {
    const { host = "127.0.0.1", port = 8080, apiKey, models: specs, maxBatch = 8, maxQueue = 64 } = options;
    if (!LOOPBACK.has(host) && (apiKey === undefined || apiKey === "")) {
        throw new ConfigError("--host", `binding to ${host} exposes the server beyond this machine; give --api-key KEY (or MELLAMA_API_KEY) to require a key, or bind to 127.0.0.1`);
    }
    if (specs.length === 0) {
        throw new ConfigError("--model", "give at least one model (DIR, FILE.gguf or NAME=PATH)");
    }
    const models = new Map<string, ServedModel>();
    for (const spec of specs) {
        const name = spec.name ?? basename(spec.path.replace(/\/+$/, "")).replace(/\.gguf$/i, "");
        if (models.has(name)) {
            throw new ConfigError("--model", `two models are named "${name}"; name them with NAME=PATH`);
        }
        const chatTemplate = readChatTemplate(spec.path, spec.chatTemplate);
        const session = await loadForInference(spec.path, {
            maxBatch, ...(options.threads === undefined ? {} : { threads: options.threads }),
            ...(options.kernels === undefined ? {} : { kernels: options.kernels }),
            ...(options.maxContext === undefined ? {} : { maxContext: options.maxContext }), ...(options.mmap === undefined ? {} : { mmap: options.mmap }),
        });
        models.set(name, new ServedModel({ name, session, ...(chatTemplate === undefined ? {} : { chatTemplate }), maxQueue,
            ...(options.maxTokensLimit === undefined ? {} : { maxTokensLimit: options.maxTokensLimit }) }));
    }
    for (const spec of options.adapters ?? []) {
        if (models.has(spec.name)) {
            throw new ConfigError("--adapter", `two models are named "${spec.name}"; adapters need names of their own`);
        }
        const bases = [...models.values()].filter((m) => m.adapter === null);
        const baseName = spec.base ?? (bases.length === 1 ? bases[0]!.name : undefined);
        if (baseName === undefined) {
            throw new ConfigError("--adapter", `several models are served: say which one "${spec.name}" runs on with NAME@MODEL=DIR`);
        }
        const base = models.get(baseName);
        if (base === undefined || base.adapter !== null) {
            throw new ConfigError("--adapter", `"${spec.name}" runs on "${baseName}", which is not a served base model (${bases.map((m) => m.name).join(", ")})`);
        }
        const adapter = LoraAdapter.load(spec.path, base.session.config, spec.name);
        const own = spec.chatTemplate !== undefined || existsSync(join(spec.path, "tokenizer_config.json")) ? readChatTemplate(spec.path, spec.chatTemplate) : undefined;
        const chatTemplate = own ?? base.chatTemplate;
        models.set(spec.name, new ServedModel({ name: spec.name, session: base.session, adapter, parent: base.name,
            ...(chatTemplate === undefined ? {} : { chatTemplate }), maxQueue,
            ...(options.maxTokensLimit === undefined ? {} : { maxTokensLimit: options.maxTokensLimit }) }));
    }
    const app = createServeApp({ models, ...(apiKey === undefined ? {} : { apiKey }), ...(options.runsDir === undefined ? {} : { runsDir: options.runsDir }),
        ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.log === undefined ? {} : { log: options.log }) });
    const address = await app.listen({ host, port });
    return {
        url: address,
        models: [...models.values()],
        close: async () => {
            await app.close();
            for (const m of models.values()) {
                if (m.adapter === null) {
                    m.session.dispose();
                }
            }
        },
    };
}
