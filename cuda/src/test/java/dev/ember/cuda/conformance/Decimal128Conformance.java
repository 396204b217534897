package dev.ember.cuda.conformance;

import dev.ember.cuda.column.Column;
import dev.ember.cuda.column.DType;
import dev.ember.cuda.kernel.Decimal128Kernels;
import dev.ember.cuda.memory.Closeables;
import dev.ember.cuda.ops.DecimalMultiply;
import dev.ember.cuda.testing.HostValues;
import dev.ember.cuda.testing.RandomData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Conformance cases for {@code decimal128.cu}: exact 128-bit products of random int64 values (with
 * Long.MIN_VALUE, Long.MAX_VALUE, 0 and ±1 among them) with nulls on either side, on neither, and on
 * one side only.
 */
final class Decimal128Conformance {
    private Decimal128Conformance() {}

    static List<ConformanceCase> cases() {
        return List.of(LambdaCase.of("decimal128 product of two decimal64 columns",
                Set.of(Decimal128Kernels.MULTIPLY_DEC64), (device, seed, n) -> {
                    Random r = new Random(seed);
                    DType type = DType.decimal64(18, 2);
                    HostValues a = HostValues.longs(type, RandomData.longs(r, n), RandomData.validity(r, n, 0.1));
                    HostValues b = HostValues.longs(type, RandomData.longs(r, n), RandomData.validity(r, n, 0.1));
                    HostValues c = HostValues.longs(type, RandomData.longs(r, n), null);
                    List<byte[]> out = new ArrayList<>();
                    List<Column> inputs = new ArrayList<>();
                    try {
                        Column ca = a.upload(device);
                        inputs.add(ca);
                        Column cb = b.upload(device);
                        inputs.add(cb);
                        Column cc = c.upload(device);
                        inputs.add(cc);
                        Column[][] pairs = {{ca, cb}, {cc, cc}, {cc, ca}};
                        for (Column[] pair : pairs) {
                            try (Column product = DecimalMultiply.multiply(device, pair[0], pair[1], 38,
                                    device.defaultStream())) {
                                HostValues host = HostValues.download(product);
                                out.add(host.data());
                                out.add(host.validity() == null ? new byte[0] : host.validity());
                            }
                        }
                    } finally {
                        Closeables.closeAll(inputs);
                    }
                    return out;
                }));
    }
}
