import type { Command } from "commander";
import { choiceArg, intArg, pathArg } from "../options.js";

export function register(program: Command): void {
    program.command("demo")
        .description("the nano Me-LLaMA recipe end to end: tokenizer, base, continual pretraining, LoRA instruction tuning, evaluation, report")
        .option("--data <dir>", "benchmark data (default: MELLAMA_DATA, else ../shared/data when present, else a synthetic sample set)", pathArg("dir"))
        .option("--out <dir>", "output directory", "runs/demo")
        .option("--scale <scale>", "nano (minutes), small (the honest, slower run), or smoke (every stage, nothing learned; for tests)", choiceArg(["nano", "small", "smoke"]), "nano")
        .option("--threads <n>", "threads for the native kernels (default: all cores)", intArg(1, 1024))
        .action(async (o: { data?: string; out: string; scale: "nano" | "small" | "smoke"; threads?: number }) => {
            const { existsSync } = await import("node:fs");
            const given = o.data ?? (process.env.MELLAMA_DATA || undefined);
            const data = given ?? (existsSync("../shared/data") ? "../shared/data" : undefined);
            const { runNanoMeLlama } = await import("../../recipe/nanoMeLlama.js");
            const r = await runNanoMeLlama({ out: o.out, data, dataRequired: given !== undefined, scale: o.scale, threads: o.threads });
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
