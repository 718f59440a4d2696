/**
 * The evaluation-run browser behind `--runs DIR`: GET /api/runs lists the run directories under DIR that hold a
 * results.json (newest first, with their headline metrics), GET /api/runs/:name returns one results.json, and
 * GET /runs/:name/report.html serves the run's own self-contained report (results table, charts, per-sample
 * outputs with filters). Run names are matched against the directory listing, never joined as given.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { ResultsJson } from "../../eval/run/ResultsJson.js";
import { OpenaiError } from "../OpenaiError.js";

export interface RunSummary {
    name: string;
    model: string;
    date: string;
    /** task -> headline metric -> value */
    metrics: Record<string, Record<string, number | string>>;
    hasReport: boolean;
}

export function registerRunsBrowser(app: FastifyInstance, runsDir: string | undefined, pageHeaders: Record<string, string>): void {
    const runDir = (name: string): string => {
        const dir = runsDir === undefined ? undefined : listRuns(runsDir).find((d) => d === name);
        if (dir === undefined || runsDir === undefined) {
            throw new OpenaiError(404, runsDir === undefined ? "no run directory is served (start mellama serve with --runs DIR)" : "no such evaluation run",
                "not_found_error", "name", "run_not_found");
        }
        return join(runsDir, dir);
    };
    app.get("/api/runs", async () => ({
        object: "list",
        data: runsDir === undefined ? [] : listRuns(runsDir).map((name) => summarize(name, join(runsDir, name)))
            .sort((a, b) => b.date.localeCompare(a.date) || a.name.localeCompare(b.name)),
    }));
    app.get<{ Params: { name: string } }>("/api/runs/:name", async (request) => readResults(runDir(request.params.name)));
    app.get<{ Params: { name: string } }>("/runs/:name/report.html", async (request, reply) => {
        const file = join(runDir(request.params.name), "report.html");
        if (!existsSync(file)) {
            throw new OpenaiError(404, "this run has no report.html (it did not finish)", "not_found_error", "name", "run_not_found");
        }
        return reply.headers(pageHeaders).type("text/html; charset=utf-8").send(readFileSync(file));
    });
}

function listRuns(dir: string): string[] {
    if (!existsSync(dir)) {
        return [];
    }
    return readdirSync(dir).filter((d) => !d.startsWith(".") && existsSync(join(dir, d, "results.json")) && statSync(join(dir, d)).isDirectory());
}

function readResults(dir: string): ResultsJson {
    return JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as ResultsJson;
}

function summarize(name: string, dir: string): RunSummary {
    let results: ResultsJson;
    try {
        results = readResults(dir);
    } catch {
        return { name, model: "(unreadable results.json)", date: "", metrics: {}, hasReport: false };
    }
    const metrics: RunSummary["metrics"] = {};
    for (const [task, values] of Object.entries(results.results ?? {})) {
        const keep = results.reported?.[task] ?? [];
        metrics[task] = Object.fromEntries(keep.filter((m) => values[`${m},none`] !== undefined).map((m) => [m, values[`${m},none`]!]));
    }
    return { name, model: results.config?.model ?? "", date: results.date ?? "", metrics, hasReport: existsSync(join(dir, "report.html")) };
}
