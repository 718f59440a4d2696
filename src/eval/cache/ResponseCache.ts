/**
 * The response cache that makes every run resumable: one SQLite file (better-sqlite3, WAL), one row per answered
 * request keyed by (model identity, sha256 of the request: prompt and generation settings). Each response is
 * committed as it arrives, so a run killed with kill -9 loses at most the requests in flight, and a rerun sends
 * only what has no row. Failed requests are not stored: a rerun retries them.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { GenerateRequest } from "../api/LM.js";
import { StorageError } from "../../errors/StorageError.js";

export function requestHash(request: GenerateRequest): string {
    return createHash("sha256")
        .update(JSON.stringify({ prompt: request.prompt, until: request.until, maxTokens: request.maxTokens, temperature: request.temperature }))
        .digest("hex");
}

export class ResponseCache {
    private readonly db: Database.Database;
    private readonly getStmt: Database.Statement<[string, string], { response: string }>;
    private readonly putStmt: Database.Statement<[string, string, string, number]>;

    public constructor(public readonly path: string) {
        mkdirSync(dirname(path), { recursive: true });
        this.db = this.guard(() => new Database(path));
        const statements = this.guard(() => {
            this.db.pragma("journal_mode = WAL");
            // NORMAL in WAL mode survives a process kill (only a power loss can drop the last commits).
            this.db.pragma("synchronous = NORMAL");
            this.db.pragma("busy_timeout = 5000");
            this.db.exec(`CREATE TABLE IF NOT EXISTS responses (
                model TEXT NOT NULL, request TEXT NOT NULL, response TEXT NOT NULL, created_ms INTEGER NOT NULL,
                PRIMARY KEY (model, request)) WITHOUT ROWID`);
            return {
                get: this.db.prepare<[string, string], { response: string }>("SELECT response FROM responses WHERE model = ? AND request = ?"),
                put: this.db.prepare<[string, string, string, number]>(
                    "INSERT OR REPLACE INTO responses (model, request, response, created_ms) VALUES (?, ?, ?, ?)"),
            };
        });
        this.getStmt = statements.get;
        this.putStmt = statements.put;
    }

    /** Runs `fn`; a full disk or an I/O error is a StorageError naming the cache file (SQLite rolls the write back). */
    private guard<T>(fn: () => T): T {
        try {
            return fn();
        } catch (error) {
            throw StorageError.from(error, this.path);
        }
    }

    public get(model: string, hash: string): string | undefined {
        return this.guard(() => this.getStmt.get(model, hash)?.response);
    }

    public put(model: string, hash: string, response: string): void {
        this.guard(() => this.putStmt.run(model, hash, response, Date.now()));
    }

    public count(model?: string): number {
        const row = model === undefined
            ? this.db.prepare("SELECT COUNT(*) AS n FROM responses").get() as { n: number }
            : this.db.prepare("SELECT COUNT(*) AS n FROM responses WHERE model = ?").get(model) as { n: number };
        return row.n;
    }

    public close(): void {
        this.db.close();
    }
}
