import type { Command } from "commander";
import { intArg, listArg, pathArg } from "../options.js";

interface ServeCliOptions {
    model: string[]; adapter?: string[]; host: string; port: number; apiKey?: string; chatTemplate?: string[];
    runs?: string; maxBatch: number; maxQueue: number;
    maxTokens?: number; maxContext?: number; maxBody: number; timeout: number; threads?: number; quiet?: boolean; mmap: boolean;
}

export function register(program: Command): void {
    program.command("serve")
        .description("serve models through an OpenAI-compatible API (/v1/chat/completions, /v1/completions, /v1/models) with continuous batching, "
            + "/health, /metrics, and a web page at / to chat and browse evaluation runs; binds to 127.0.0.1 unless --host (then --api-key is required)")
        .requiredOption("--model <DIR|FILE|NAME=PATH>", "a model directory or .gguf file, optionally named (repeat for several)", listArg())
        .option("--adapter <NAME[@MODEL]=DIR>", "serve a PEFT LoRA adapter as model NAME over a served model, unmerged (repeat for several; "
            + "@MODEL only when several models are served); its requests decode in the same batches as the base's", listArg())
        .option("--host <address>", "bind address (anything but loopback needs --api-key)", "127.0.0.1")
        .option("--port <n>", "port (0 = any free one)", intArg(0, 65535), 8080)
        .option("--api-key <key>", "require Authorization: Bearer KEY (default MELLAMA_API_KEY)")
        .option("--chat-template <FILE|NAME=FILE>", "a Jinja chat template for all models or one (repeat); default the model's own", listArg())
        .option("--runs <dir>", "evaluation run directories to browse on the web page (mellama eval --output)", pathArg("dir"))
        .option("--max-batch <n>", "sequences decoded together per model, 1..16", intArg(1, 16), 8)
        .option("--max-queue <n>", "sequences waiting beyond those decoding, per model; more get 429", intArg(0, 1_000_000), 64)
        .option("--max-tokens <n>", "largest max_tokens a request may ask (default the context length)", intArg(1, 10_000_000))
        .option("--max-context <n>", "context length served (default the model's)", intArg(1, 10_000_000))
        .option("--max-body <bytes>", "largest request body", intArg(1024, 1 << 30), 1024 * 1024)
        .option("--timeout <s>", "per-request timeout in seconds", intArg(1, 86400), 600)
        .option("--threads <n>", "threads (default: all cores)", intArg(1, 1024))
        .option("--no-mmap", "read the weights into memory instead of mapping them from their files")
        .option("--quiet", "no access log (it never holds request or generated text)")
        .action(async (o: ServeCliOptions) => {
            const { ConfigError } = await import("../../errors/MellamaError.js");
            const { serve } = await import("../../serve/serve.js");
            const named = (spec: string): { name?: string; value: string } => {
                const eq = spec.indexOf("=");
                return eq > 0 && !spec.slice(0, eq).includes("/") ? { name: spec.slice(0, eq), value: spec.slice(eq + 1) } : { value: spec };
            };
            const templates = (o.chatTemplate ?? []).map(named);
            const models = o.model.map(named).map(({ name, value }) => {
                const t = templates.find((x) => x.name === name) ?? templates.find((x) => x.name === undefined);
                return { ...(name === undefined ? {} : { name }), path: value, ...(t === undefined ? {} : { chatTemplate: t.value }) };
            });
            const adapters = (o.adapter ?? []).map((spec) => {
                const eq = spec.indexOf("=");
                if (eq <= 0) {
                    throw new ConfigError("--adapter", `expected NAME=DIR or NAME@MODEL=DIR, got ${JSON.stringify(spec)}`);
                }
                const [name, base] = spec.slice(0, eq).split("@", 2) as [string, string | undefined];
                const t = templates.find((x) => x.name === name);
                return { name, path: spec.slice(eq + 1), ...(base === undefined || base === "" ? {} : { base }), ...(t === undefined ? {} : { chatTemplate: t.value }) };
            });
            for (const t of templates) {
                if (t.name !== undefined && !models.some((m) => m.name === t.name) && !adapters.some((a) => a.name === t.name)) {
                    throw new ConfigError("--chat-template", `no model is named "${t.name}"`);
                }
            }
            const apiKey = o.apiKey ?? process.env.MELLAMA_API_KEY;
            const log = o.quiet === true ? undefined : (line: string): void => { process.stderr.write(`${new Date().toISOString()} ${line}\n`); };
            const server = await serve({ models, adapters, host: o.host, port: o.port, ...(apiKey === undefined || apiKey === "" ? {} : { apiKey }),
                ...(o.runs === undefined ? {} : { runsDir: o.runs }), maxBatch: o.maxBatch, maxQueue: o.maxQueue,
                ...(o.maxTokens === undefined ? {} : { maxTokensLimit: o.maxTokens }), ...(o.maxContext === undefined ? {} : { maxContext: o.maxContext }),
                bodyLimit: o.maxBody, timeoutMs: o.timeout * 1000, ...(o.threads === undefined ? {} : { threads: o.threads }), mmap: o.mmap,
                ...(log === undefined ? {} : { log }) });
            // The first line is the address (tests and scripts read it).
            process.stdout.write(`mellama serve: listening on ${server.url}\n`);
            for (const m of server.models) {
                process.stdout.write(`  model "${m.name}"${m.parent === null ? "" : ` (LoRA adapter on "${m.parent}")`}: context ${m.session.maxContext}, chat template ${m.chatTemplate === undefined ? "none (chat refused; give --chat-template FILE)" : `from ${m.chatTemplate.from}`}\n`);
            }
            process.stdout.write(`  web page: ${server.url}/   OpenAI base URL: ${server.url}/v1\n`);
            const stop = (): void => { void server.close().then(() => process.exit(0)); };
            process.once("SIGINT", stop);
            process.once("SIGTERM", stop);
        });
}
