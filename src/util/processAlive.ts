/**
 * Whether a process of this machine is still running: signal 0 checks existence without touching it. EPERM means
 * it exists but belongs to someone else (alive); only ESRCH means it is gone.
 */
export function processAlive(pid: number): boolean {
    if (!Number.isSafeInteger(pid) || pid <= 0) {
        return false;
    }
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code !== "ESRCH";
    }
}
