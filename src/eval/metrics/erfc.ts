/**
 * The complementary error function to about 1e-15 relative: Maclaurin series of erf below 2.5, Lentz's continued
 * fraction for erfc above (both converge fast there). For chi-square(1) p-values: P(X > x) = erfc(sqrt(x / 2)).
 */
export function erfc(x: number): number {
    if (Number.isNaN(x)) {
        return Number.NaN;
    }
    if (x < 0) {
        return 2 - erfc(-x);
    }
    if (x < 2.5) {
        // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
        let term = x;
        let sum = x;
        for (let n = 1; n < 200; n++) {
            term *= -x * x / n;
            const add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return 1 - 2 / Math.sqrt(Math.PI) * sum;
    }
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), modified Lentz.
    const tiny = 1e-300;
    let f = x;
    let c = x;
    let d = 0;
    for (let n = 1; n < 500; n++) {
        const a = n / 2;
        d = x + a * d;
        d = Math.abs(d) < tiny ? tiny : d;
        c = x + a / c;
        c = Math.abs(c) < tiny ? tiny : c;
        d = 1 / d;
        const delta = c * d;
        f *= delta;
        if (Math.abs(delta - 1) < 1e-16) {
            break;
        }
    }
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
