package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.Decimal128Kernels.MULTIPLY_DEC64;

import java.util.Map;

/** Emulations of {@code decimal128.cu}. */
final class Decimal128Emulation {
    private Decimal128Emulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(MULTIPLY_DEC64, (cfg, a, m) -> {
            long out = a.ptrAt(0), x = a.ptrAt(1), xValidity = a.ptrAt(2), y = a.ptrAt(3), yValidity = a.ptrAt(4);
            long n = a.i64At(5);
            m.check(out, n * 16);
            m.check(x, n * 8);
            m.check(y, n * 8);
            if (xValidity != 0) {
                m.check(xValidity, (n + 7) / 8);
            }
            if (yValidity != 0) {
                m.check(yValidity, (n + 7) / 8);
            }
            for (long i = 0; i < n; i++) {
                long lo = 0;
                long hi = 0;
                if (m.isValid(xValidity, i) && m.isValid(yValidity, i)) {
                    long u = m.getLong(x + i * 8);
                    long v = m.getLong(y + i * 8);
                    lo = u * v;
                    hi = Math.multiplyHigh(u, v);
                }
                m.putLong(out + i * 16, lo);
                m.putLong(out + i * 16 + 8, hi);
            }
        });
    }
}
