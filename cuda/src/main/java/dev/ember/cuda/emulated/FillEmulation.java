package dev.ember.cuda.emulated;

import static dev.ember.cuda.kernel.FillKernels.FILL_I16;
import static dev.ember.cuda.kernel.FillKernels.FILL_I32;
import static dev.ember.cuda.kernel.FillKernels.FILL_I64;
import static dev.ember.cuda.kernel.FillKernels.FILL_I8;
import static dev.ember.cuda.kernel.FillKernels.SEQUENCE_I32;
import static dev.ember.cuda.kernel.FillKernels.SEQUENCE_I64;

import java.util.Map;

/** Emulations of {@code fill.cu}. */
final class FillEmulation {
    private FillEmulation() {}

    static Map<String, KernelEmulation> emulations() {
        return Map.of(
                FILL_I8, (cfg, a, m) -> {
                    long out = a.ptrAt(0), n = a.i64At(1);
                    m.check(out, n);
                    m.set(out, (byte) a.i32At(2), n);
                },
                FILL_I16, (cfg, a, m) -> {
                    long out = a.ptrAt(0), n = a.i64At(1);
                    m.check(out, n * 2);
                    for (long i = 0; i < n; i++) {
                        m.putShort(out + i * 2, (short) a.i32At(2));
                    }
                },
                FILL_I32, (cfg, a, m) -> {
                    long out = a.ptrAt(0), n = a.i64At(1);
                    m.check(out, n * 4);
                    for (long i = 0; i < n; i++) {
                        m.putInt(out + i * 4, a.i32At(2));
                    }
                },
                FILL_I64, (cfg, a, m) -> {
                    long out = a.ptrAt(0), n = a.i64At(1);
                    m.check(out, n * 8);
                    for (long i = 0; i < n; i++) {
                        m.putLong(out + i * 8, a.i64At(2));
                    }
                },
                SEQUENCE_I32, (cfg, a, m) -> {
                    long out = a.ptrAt(0), n = a.i64At(1);
                    int start = a.i32At(2), step = a.i32At(3);
                    m.check(out, n * 4);
                    for (long i = 0; i < n; i++) {
                        m.putInt(out + i * 4, start + (int) i * step);
                    }
                },
                SEQUENCE_I64, (cfg, a, m) -> {
                    long out = a.ptrAt(0), n = a.i64At(1);
                    long start = a.i64At(2), step = a.i64At(3);
                    m.check(out, n * 8);
                    for (long i = 0; i < n; i++) {
                        m.putLong(out + i * 8, start + i * step);
                    }
                });
    }
}
