/**
 * `mellama diagnosis review import PACK FILES…`: reads reviewers' CSVs back into the pack's verdict store
 * (verdicts.json, written atomically) and recomputes the clinician results. Each file is checked row by row —
 * header, pack id, reviewer, item, rank, verdict, conflicting duplicates — and every problem is reported as
 * file:line: reason (never quoting case text). A file with problems is refused whole (onError "fail", the
 * default) or imported without its bad rows ("skip"); blank verdicts are a partial file, not an error: the
 * graded rows are imported and the rest reported as missing. Nothing imported before is lost: a new file only
 * adds or replaces verdicts for the rows it grades. After the import, review_results.json is written in the pack
 * and each run's results.json ("details".<task>.clinicians) and report.html are updated.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { ConfigError, FormatError } from "../../../errors/MellamaError.js";
import { atomicWriteFileSync } from "../../../util/atomicWrite.js";
import type { OnError } from "../../api/Task.js";
import { VERDICTS } from "../../tasks/diagnosis/judgeRubric.js";
import { loadDiagnosisRuns } from "./loadDiagnosisRuns.js";
import type { ReviewKey } from "./ReviewKey.js";
import { parseCsvRecords } from "./reviewCsv.js";
import { ReviewImportError } from "./ReviewImportError.js";
import type { ReviewResults, ReviewVerdicts } from "./reviewStats.js";
import { reviewStats } from "./reviewStats.js";
import { writeClinicianResults } from "./writeClinicianResults.js";

export interface ImportReviewsOptions {
    /** The pack directory (holding key.json), or a run directory whose review/ holds it. */
    pack: string;
    files: readonly string[];
    onError?: OnError;
}

export interface ReviewProblem {
    file: string;
    line: number;
    reason: string;
}

export interface ImportedFile {
    file: string;
    reviewers: string[];
    imported: number;
    missing: number;
    firstMissingLine: number | null;
    refused: boolean;
    problems: ReviewProblem[];
}

export interface ImportReviewsResult {
    packDir: string;
    files: ImportedFile[];
    results: ReviewResults;
}

interface Store {
    packId: string;
    verdicts: ReviewVerdicts;
    comments: Record<string, Record<string, string>>;
    imports: { file: string; rows: number; at: string }[];
}

export function resolvePackDir(given: string): string {
    for (const dir of [resolve(given), join(resolve(given), "review")]) {
        if (existsSync(join(dir, "key.json"))) {
            return dir;
        }
    }
    throw new ConfigError("PACK", `${given} holds no review pack (key.json); give the directory mellama diagnosis review export wrote`);
}

export function readKey(packDir: string): ReviewKey {
    const key = JSON.parse(readFileSync(join(packDir, "key.json"), "utf8")) as ReviewKey;
    if (key.format !== "mellama-diagnosis-review") {
        throw new FormatError(join(packDir, "key.json"), "format", "not a mellama diagnosis review key");
    }
    return key;
}

const REQUIRED = ["pack", "reviewer", "item", "rank", "verdict"];

function checkFile(file: string, key: ReviewKey): { rows: { reviewer: string; item: string; rank: number;
    verdict: string; comment: string; line: number; }[]; problems: ReviewProblem[]; } {
    const name = basename(file);
    const problems: ReviewProblem[] = [];
    const bad = (line: number, reason: string): void => {
        problems.push({ file: name, line, reason });
    };
    const { records, unterminatedAt } = parseCsvRecords(readFileSync(file, "utf8"));
    if (unterminatedAt !== undefined) {
        bad(unterminatedAt, "a quoted field is never closed");
    }
    const header = records.shift();
    const col = new Map((header?.fields ?? []).map((h, i) => [h.trim().toLowerCase(), i]));
    const missingCols = REQUIRED.filter((c) => !col.has(c));
    if (header === undefined || missingCols.length > 0) {
        bad(header?.line ?? 1, `header lacks column(s) ${missingCols.join(", ")} (expected ${REQUIRED.join(", ")}, candidate, comment)`);
        return { rows: [], problems };
    }
    const items = new Map(key.items.map((it) => [it.item, it]));
    const reviewers = new Set(key.reviewers.map((r) => r.reviewer));
    const seen = new Map<string, { verdict: string; line: number }>();
    const rows: ReturnType<typeof checkFile>["rows"] = [];
    for (const { line, fields } of records) {
        const get = (c: string): string => (fields[col.get(c) ?? -1] ?? "").trim();
        const item = items.get(get("item"));
        const rank = Number(get("rank"));
        const raw = get("verdict").toLowerCase().replace(/^clinically\s+/, "");
        if (get("pack") !== key.packId) {
            bad(line, `pack id is not ${key.packId} (a file from another pack?)`);
        } else if (!reviewers.has(get("reviewer"))) {
            bad(line, `unknown reviewer (expected ${[...reviewers].join(", ")})`);
        } else if (item === undefined) {
            bad(line, "unknown item id");
        } else if (!Number.isInteger(rank) || rank < 1 || rank > item.candidates.length) {
            bad(line, `rank is not an integer from 1 to ${item.candidates.length}`);
        } else if (raw !== "" && !(VERDICTS as readonly string[]).includes(raw)) {
            bad(line, `verdict is not one of ${VERDICTS.join(", ")} or blank`);
        } else {
            const k = `${get("reviewer")}|${item.item}|${rank}`;
            const before = seen.get(k);
            if (before !== undefined && before.verdict !== raw) {
                bad(line, `conflicts with line ${before.line} (same reviewer, item and rank, another verdict)`);
                continue;
            }
            seen.set(k, { verdict: raw, line });
            rows.push({ reviewer: get("reviewer"), item: item.item, rank, verdict: raw, comment: fields[col.get("comment") ?? -1] ?? "", line });
        }
    }
    return { rows, problems };
}

export function importReviews({ pack, files, onError = "fail" }: ImportReviewsOptions): ImportReviewsResult {
    const packDir = resolvePackDir(pack);
    const key = readKey(packDir);
    const storePath = join(packDir, "verdicts.json");
    const store: Store = existsSync(storePath) ? JSON.parse(readFileSync(storePath, "utf8")) as Store
        : { packId: key.packId, verdicts: {}, comments: {}, imports: [] };
    const report: ImportedFile[] = [];
    for (const file of files) {
        if (!existsSync(file)) {
            throw new ConfigError("FILES", `${file} does not exist`);
        }
        const { rows, problems } = checkFile(file, key);
        const refused = problems.length > 0 && onError === "fail";
        const graded = rows.filter((r) => r.verdict !== "");
        const missing = rows.filter((r) => r.verdict === "");
        if (!refused) {
            for (const r of graded) {
                (store.verdicts[r.reviewer] ??= {})[`${r.item}|${r.rank}`] = r.verdict;
            }
            for (const r of rows.filter((x) => x.comment.trim() !== "")) {
                (store.comments[r.reviewer] ??= {})[r.item] = r.comment;
            }
            store.imports.push({ file: basename(file), rows: graded.length, at: new Date().toISOString() });
            atomicWriteFileSync(storePath, `${JSON.stringify(store, null, 1)}\n`);
        }
        report.push({ file: basename(file), reviewers: [...new Set(rows.map((r) => r.reviewer))], imported: refused ? 0 : graded.length,
            missing: missing.length, firstMissingLine: missing[0]?.line ?? null, refused, problems });
    }
    const arms = loadDiagnosisRuns(key.arms.map((a) => a.runDir)).filter((a) => key.arms.some((k) => k.runDir === a.runDir && k.task === a.task));
    const ordered = key.arms.map((k) => arms.find((a) => a.runDir === k.runDir && a.task === k.task)!);
    const results = reviewStats(key, store.verdicts, ordered);
    atomicWriteFileSync(join(packDir, "review_results.json"), `${JSON.stringify(results, null, 2)}\n`);
    writeClinicianResults(results);
    const refusedFiles = report.filter((r) => r.refused);
    if (refusedFiles.length > 0) {
        const p = refusedFiles[0]!.problems[0]!;
        throw new ReviewImportError(refusedFiles.map((r) => r.file), report.flatMap((r) => r.problems), `${p.file}:${p.line}: ${p.reason}`);
    }
    return { packDir, files: report, results };
}
