import type { Command } from "commander";

export function register(program: Command): void {
    program.command("demo")
        .description("the nano Me-LLaMA recipe end to end: tokenizer, base, continual pretraining, LoRA instruction tuning, evaluation, report")
        .option("--data <dir>", "benchmark data (default: MELLAMA_DATA, else ../shared/data when present, else a synthetic sample set)")
        .option("--out <dir>", "output directory", "runs/demo")
        .option("--scale <scale>", "nano (minutes) or small (the honest, slower run)", "nano")
        .option("--threads <n>", "threads for the native kernels", (v) => Number(v))
        .action(async (o: { data?: string; out: string; scale: string; threads?: number }) => {
            const { existsSync } = await import("node:fs");
            const { ConfigError } = await import("../../errors/MellamaError.js");
            if (o.scale !== "nano" && o.scale !== "small" && o.scale !== "smoke") {
                throw new ConfigError("--scale", `"${o.scale}" is not nano, small or smoke (every stage, nothing learned; for tests)`);
            }
            const data = o.data ?? process.env.MELLAMA_DATA ?? (existsSync("../shared/data") ? "../shared/data" : undefined);
            const { runNanoMeLlama } = await import("../../recipe/nanoMeLlama.js");
            const r = await runNanoMeLlama({ out: o.out, data, scale: o.scale, threads: o.threads });
            const fmtDiag = (v: unknown): string => (typeof v === "number" ? v.toFixed(3) : "-");
            const rows = r.table.map((t) => `  ${t.model.padEnd(14)} PubMed ppl ${t.pubmedPpl.toFixed(1).padStart(8)}  clinical ppl ${t.clinicalPpl.toFixed(1).padStart(8)}  `
                + Object.entries(t.results.results).map(([task, m]) => {
                    // The paper's headline metric for the task (accuracy for QA, macro-F1 for DDI, HoC, MTSample).
                    const metric = t.results.reported[task]?.[0] ?? "acc";
                    const v = m[`${metric},none`];
                    return `${task} ${metric} ${typeof v === "number" ? v.toFixed(3) : "-"}`;
                }).join("  ") + `  diagnosis top10_match ${fmtDiag(t.diagnosis.results.diagnosis?.["top10_match,none"])}`);
            process.stdout.write(`nano Me-LLaMA (${o.scale}) finished in ${r.seconds.toFixed(0)} s${r.usedSampleData ? " on SYNTHETIC sample data" : ""}\n${rows.join("\n")}\nreport: ${r.report}\ndiagnosis comparison: ${r.diagnosis.comparison}\nclinician review pack: ${r.diagnosis.reviewPack}\n`);
            const { readyToUse } = await import("../readyToUse.js");
            process.stdout.write(readyToUse(r.paths, o.out));
        });
}
