import type { Command } from "commander";
import { choiceArg, intArg, listArg, pathArg } from "../options.js";

export function register(program: Command): void {
    const diagnosis = program.command("diagnosis")
        .description("clinical case diagnosis study: clinician review packs and paired model comparison (run the models with mellama eval --tasks diagnosis)");
    const review = diagnosis.command("review").description("blinded clinician review of diagnosis runs");
    review.command("export")
        .description("write a blinded review pack: per reviewer an offline HTML form that saves a CSV, the CSV template, and key.json (keep it from reviewers)")
        .argument("<runs...>", "diagnosis run directories (one or more models)", listArg(pathArg("dir")))
        .requiredOption("--reviewers <n>", "number of reviewers", intArg(1, 1000))
        .option("--out <dir>", "pack directory (default: review/ inside the first run)")
        .option("--seed <n>", "shuffle seed (recorded in key.json)", intArg(0, 2 ** 32 - 1), 1)
        .action(async (runs: string[], o: { reviewers: number; out?: string; seed: number }) => {
            const { exportReviewPack } = await import("../../eval/judges/review/exportReviewPack.js");
            const dir = exportReviewPack({ runs, reviewers: o.reviewers, out: o.out, seed: o.seed });
            process.stdout.write(`${dir}\n`);
        });
    review.command("import")
        .description("read reviewers' CSVs into the pack, then write clinician top-K and agreement into review_results.json and each run's results and report")
        .argument("<pack>", "the review pack directory (or the run directory whose review/ holds it)", pathArg("dir"))
        .argument("<files...>", "review CSV files", listArg(pathArg("file")))
        .option("--on-error <mode>", "fail: refuse a file with any bad row; skip: import its valid rows", choiceArg(["fail", "skip"]), "fail")
        .action(async (pack: string, files: string[], o: { onError: "fail" | "skip" }) => {
            const { importReviews } = await import("../../eval/judges/review/importReviews.js");
            const { ReviewImportError } = await import("../../eval/judges/review/ReviewImportError.js");
            const print = (problems: readonly { file: string; line: number; reason: string }[]): void => {
                for (const p of problems) {
                    process.stderr.write(`${p.file}:${p.line}: ${p.reason}\n`);
                }
            };
            try {
                const r = importReviews({ pack, files, onError: o.onError });
                for (const f of r.files) {
                    print(f.problems);
                    process.stdout.write(`${f.file}: ${f.imported} verdict(s) imported`
                        + (f.missing > 0 ? `, ${f.missing} not graded yet (first at line ${f.firstMissingLine})` : "") + "\n");
                }
                process.stdout.write(`${r.packDir}/review_results.json\n`);
            } catch (error) {
                if (error instanceof ReviewImportError) {
                    print(error.problems);
                }
                throw error;
            }
        });
    diagnosis.command("compare")
        .description("paired comparison of two diagnosis runs: top-K differences with bootstrap CIs and McNemar's test, per judge")
        .argument("<runA>", "diagnosis run directory", pathArg("dir")).argument("<runB>", "diagnosis run directory", pathArg("dir"))
        .option("--out <dir>", "where diagnosis_comparison.json and .html go", ".")
        .action(async (runA: string, runB: string, o: { out: string }) => {
            const { compareDiagnosisRuns } = await import("../../eval/judges/compareDiagnosisRuns.js");
            const { json, page, comparison } = compareDiagnosisRuns({ runA, runB, out: o.out });
            for (const j of comparison.judges) {
                for (const r of j.rows.filter((x) => [1, 5, 10].includes(x.k))) {
                    process.stdout.write(`${j.judge.padEnd(5)} top-${String(r.k).padEnd(2)} A ${r.accuracyA.toFixed(3)} B ${r.accuracyB.toFixed(3)} `
                        + `A-B ${r.difference.toFixed(3)} [${r.differenceLow.toFixed(3)}, ${r.differenceHigh.toFixed(3)}] McNemar p ${r.mcnemar.pExact.toFixed(4)}\n`);
                }
            }
            process.stdout.write(`${json}\n${page}\n`);
        });
}
