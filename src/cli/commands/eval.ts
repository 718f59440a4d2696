import type { Command } from "commander";
import { choiceArg, intArg, numberArg, pathArg } from "../options.js";
import type { EvalCommandOptions } from "../../eval/run/runEvalCommand.js";

export function register(program: Command): void {
    program.command("eval")
        .description("evaluate a model on the Me-LLaMA tasks; writes a new run directory (results.json, samples_<task>.jsonl, report.html) under --output")
        .option("--model <spec>", "native:PATH[#LORA_ADAPTER_DIR] | llamacpp:FILE.gguf | openai:BASE_URL[#model] (key from OPENAI_API_KEY) | echo | constant:TEXT | oracle")
        .option("--tasks <list>", "comma-separated task names or groups: all (the benchmark suite), mc (the <task>_mc log-likelihood variants), "
            + "perplexity_builtin (perplexity_medical + perplexity_general); perplexity scores --task-path perplexity=FILE; diagnosis and diagnosis_cot run the clinical case study")
        .option("--cases <file>", "cases jsonl for diagnosis / diagnosis_cot (default: the shipped SYNTHETIC cases)", pathArg("file"))
        .option("--judge <spec>", "LLM judge for diagnosis: openai:BASE_URL#model | native:PATH | llamacpp:FILE.gguf | judge-oracle (tests)")
        .option("--limit <n>", "evaluate the first N docs of each task after the seeded Random(42) shuffle (below 1: a fraction of each task's docs, rounded down as Me-LLaMA's harness, at least 1)", numberArg(Number.MIN_VALUE))
        .option("--num-fewshot <k>", "few-shot examples per prompt, drawn from the task's train split with the run's seed (tasks without one are skipped)", intArg(0, 1000), 0)
        .option("--scoring <mode>", "paper | strict", choiceArg(["paper", "strict"]), "paper")
        .option("--output <dir>", "where the run directory is created", "runs/eval")
        .option("--concurrency <n>", "requests in flight (openai); sequences decoded together (native, at most 16)", intArg(1, 1024), 8)
        .option("--timeout <s>", "per-request timeout in seconds", numberArg(0.001, 86400), 120)
        .option("--retries <n>", "retries per request (openai)", intArg(0, 100), 3)
        .option("--rate-limit <rps>", "requests started per second at most; 0 = unlimited", numberArg(0), 0)
        .option("--on-error <mode>", "skip | fail (malformed records and failed requests)", choiceArg(["skip", "fail"]), "skip")
        .option("--model-prompt <mode>", "no_prompt | mellama_prompt", choiceArg(["no_prompt", "mellama_prompt"]), "no_prompt")
        .option("--max-tokens <n>", "new tokens per answer (Me-LLaMA: 256 for open models; its OpenAI chat runs used 512)", intArg(1, 1_000_000), 256)
        .option("--data <dir>", "benchmark data directory (default MELLAMA_DATA or ../shared/data)", pathArg("dir"))
        .option("--task-path <task=file...>", "read a task's docs from this file (e.g. a fetched BLURB tsv or Hub parquet)")
        .option("--cache <file>", "response cache (default <output>/.cache/responses.sqlite)")
        .option("--resume <runDir>", "continue an interrupted run in its own directory, with its recorded options", pathArg("dir"))
        .option("--chat", "one user message per prompt: openai uses /v1/chat/completions; native renders it with the model's own chat template")
        .option("--threads <n>", "compute threads (native and llamacpp; default every core)", intArg(1, 1024))
        .option("--bertscore-model <dir>", "local BERT directory (config.json, model.safetensors, vocab.txt or tokenizer.json) for bert_score_f1; "
            + "without it BERTScore is reported as not computed", pathArg("dir"))
        .option("--bertscore-layer <n>", "hidden layer for BERTScore (default: bert-score's table by model name, 9 for bert-base-multilingual-cased)", intArg(0, 1000))
        .option("--bertscore-idf", "weight BERTScore tokens by idf over the references")
        .option("--bertscore-baseline <file>", "bert-score baseline file (LAYER,P,R,F) to rescale BERTScore", pathArg("file"))
        .action(async (options: EvalCommandOptions) => {
            const { runEvalCommand } = await import("../../eval/run/runEvalCommand.js");
            await runEvalCommand(options);
        });
}
