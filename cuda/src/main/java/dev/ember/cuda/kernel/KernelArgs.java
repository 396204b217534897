package dev.ember.cuda.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The argument values of one launch, in parameter order, each tagged with its type. Built with the
 * fluent methods and checked against the kernel's {@link KernelSpec} at launch. Values are stored as
 * raw 64-bit words (floats by their bits).
 */
public final class KernelArgs {
    private final List<ArgType> types = new ArrayList<>(8);
    private long[] values = new long[8];

    public static KernelArgs create() {
        return new KernelArgs();
    }

    /** A device address; 0 stands for an absent optional buffer. */
    public KernelArgs ptr(long address) {
        return add(ArgType.PTR, address);
    }

    public KernelArgs i32(int value) {
        return add(ArgType.I32, value);
    }

    public KernelArgs i64(long value) {
        return add(ArgType.I64, value);
    }

    public KernelArgs f32(float value) {
        return add(ArgType.F32, Float.floatToRawIntBits(value));
    }

    public KernelArgs f64(double value) {
        return add(ArgType.F64, Double.doubleToRawLongBits(value));
    }

    private KernelArgs add(ArgType type, long value) {
        if (types.size() == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[types.size()] = value;
        types.add(type);
        return this;
    }

    public int size() {
        return types.size();
    }

    public ArgType type(int index) {
        return types.get(index);
    }

    /** The raw word of argument {@code index} (a pointer, an integer, or a float's bits). */
    public long raw(int index) {
        return values[index];
    }

    public long ptrAt(int index) {
        return get(index, ArgType.PTR);
    }

    public int i32At(int index) {
        return (int) get(index, ArgType.I32);
    }

    public long i64At(int index) {
        return get(index, ArgType.I64);
    }

    public float f32At(int index) {
        return Float.intBitsToFloat((int) get(index, ArgType.F32));
    }

    public double f64At(int index) {
        return Double.longBitsToDouble(get(index, ArgType.F64));
    }

    private long get(int index, ArgType expected) {
        if (types.get(index) != expected) {
            throw new IllegalArgumentException("argument " + index + " is " + types.get(index) + ", not " + expected);
        }
        return values[index];
    }

    /** Throws with a precise message unless these arguments match the kernel's parameters. */
    public void checkAgainst(KernelSpec spec) {
        if (!types.equals(spec.params())) {
            throw new IllegalArgumentException("arguments " + types + " do not match " + spec.name() + spec.params());
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < types.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(types.get(i)).append('=').append(values[i]);
        }
        return sb.append(')').toString();
    }
}
