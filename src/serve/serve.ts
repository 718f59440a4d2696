/**
 * `serve(options)`: loads each model through the inference API (one session and SequenceBatcher per model),
 * reads its chat template, and starts the server. Binds to loopback unless told otherwise, and then only with an
 * API key: a server on another address without one would hand the model (and whatever clinical text clients send
 * it) to anyone on the network.
 *
 * @example
 * const server = await serve({ models: [{ name: "me-llama", path: "runs/sft/merged" }], port: 0 });
 * console.log(server.url); // http://127.0.0.1:PORT
 * await server.close();
 */
import { basename } from "node:path";
import { ConfigError } from "../errors/MellamaError.js";
import { loadForInference, type SessionOptions } from "../model/inference/index.js";
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

export interface ServeOptions {
    models: readonly ServeModelSpec[];
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
            maxBatch, ...(options.threads === undefined ? {} : { threads: options.threads }), ...(options.kernels === undefined ? {} : { kernels: options.kernels }),
            ...(options.maxContext === undefined ? {} : { maxContext: options.maxContext }),
        });
        models.set(name, new ServedModel({ name, session, ...(chatTemplate === undefined ? {} : { chatTemplate }), maxQueue,
            ...(options.maxTokensLimit === undefined ? {} : { maxTokensLimit: options.maxTokensLimit }) }));
    }
    const app = createServeApp({ models, ...(apiKey === undefined ? {} : { apiKey }), ...(options.runsDir === undefined ? {} : { runsDir: options.runsDir }),
        ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }), ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.log === undefined ? {} : { log: options.log }) });
    const address = await app.listen({ host, port });
    return {
        url: address,
        models: [...models.values()],
        close: async () => {
            await app.close();
            for (const m of models.values()) {
                m.session.dispose();
            }
        },
    };
}
