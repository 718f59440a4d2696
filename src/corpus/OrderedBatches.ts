/**
 * Ordered batches: work is submitted as batches fill and consumed strictly in submission order, with at most
 * `limit` batches in flight, so a stage whose work runs on worker threads still makes its order-dependent
 * decisions (statistics, which duplicate is first, spill order) exactly as a sequential loop would.
 */
export class OrderedBatches<T, R> {
    private readonly queue: { meta: T[]; result: Promise<R> }[] = [];

    public constructor(private readonly limit: number, private readonly consume: (meta: T[], result: R) => void | Promise<void>) {}

    public async submit(meta: T[], result: Promise<R>): Promise<void> {
        // A rejected batch is reported when its turn comes, not as an unhandled rejection before it.
        result.catch(() => undefined);
        this.queue.push({ meta, result });
        while (this.queue.length > this.limit) {
            await this.next();
        }
    }

    public async drain(): Promise<void> {
        while (this.queue.length > 0) {
            await this.next();
        }
    }

    private async next(): Promise<void> {
        const head = this.queue.shift()!;
        await this.consume(head.meta, await head.result);
    }
}
