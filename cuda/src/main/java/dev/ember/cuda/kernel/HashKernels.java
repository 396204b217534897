package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code hash.cu}: Spark's Murmur3 (x86_32) of one column into a running per-row hash, and the
 * non-negative modulo that turns hashes into partition ids.
 */
public final class HashKernels {
    public static final String MURMUR3_BOOL8 = "ember_murmur3_bool8";
    public static final String MURMUR3_I8 = "ember_murmur3_i8";
    public static final String MURMUR3_I16 = "ember_murmur3_i16";
    public static final String MURMUR3_I32 = "ember_murmur3_i32";
    public static final String MURMUR3_I64 = "ember_murmur3_i64";
    public static final String MURMUR3_F32 = "ember_murmur3_f32";
    public static final String MURMUR3_F64 = "ember_murmur3_f64";
    public static final String MURMUR3_DEC128 = "ember_murmur3_dec128";
    /** STRING columns: {@code (hashes, offsets, chars, validity, n)}. */
    public static final String MURMUR3_STRING = "ember_murmur3_string";
    public static final String PMOD_I32 = "ember_pmod_i32";

    /** Every Murmur3 kernel: {@code (hashes, data, validity, n)}. */
    public static final List<String> MURMUR3 = List.of(MURMUR3_BOOL8, MURMUR3_I8, MURMUR3_I16, MURMUR3_I32,
            MURMUR3_I64, MURMUR3_F32, MURMUR3_F64, MURMUR3_DEC128);

    public static final KernelFamily FAMILY = KernelFamily.of("hash", List.of(
            KernelSpec.of("hash", MURMUR3_BOOL8, PTR, PTR, PTR, I64),
            KernelSpec.of("hash", MURMUR3_I8, PTR, PTR, PTR, I64),
            KernelSpec.of("hash", MURMUR3_I16, PTR, PTR, PTR, I64),
            KernelSpec.of("hash", MURMUR3_I32, PTR, PTR, PTR, I64),
            KernelSpec.of("hash", MURMUR3_I64, PTR, PTR, PTR, I64),
            KernelSpec.of("hash", MURMUR3_F32, PTR, PTR, PTR, I64),
            KernelSpec.of("hash", MURMUR3_F64, PTR, PTR, PTR, I64),
            KernelSpec.of("hash", MURMUR3_DEC128, PTR, PTR, PTR, I64),
            KernelSpec.of("hash", MURMUR3_STRING, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("hash", PMOD_I32, PTR, PTR, I64, I32)));

    private HashKernels() {}
}
