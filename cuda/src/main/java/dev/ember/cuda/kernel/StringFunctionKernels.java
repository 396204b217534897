package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code strfuncs.cu}: Spark's string functions on STRING columns. Character counts ({@code length}),
 * byte ranges for substring and trim ({@code *_ranges}) copied by {@code copy_ranges}, the ASCII
 * case mapping with flags for rows the host converts ({@code case_ascii}), startsWith / endsWith /
 * contains with a scalar ({@code match}), LIKE programs ({@code like}), IN lists ({@code in_list})
 * and concatenation ({@code concat_sizes}, {@code concat_chars}). Parameters as in the contract
 * comments of the {@code .cu}.
 */
public final class StringFunctionKernels {
    public static final String LENGTH = "ember_str_length";
    public static final String SUBSTRING_RANGES = "ember_str_substring_ranges";
    public static final String TRIM_RANGES = "ember_str_trim_ranges";
    public static final String COPY_RANGES = "ember_str_copy_ranges";
    public static final String CASE_ASCII = "ember_str_case_ascii";
    public static final String MATCH = "ember_str_match";
    public static final String LIKE = "ember_str_like";
    public static final String IN_LIST = "ember_str_in_list";
    public static final String CONCAT_SIZES = "ember_str_concat_sizes";
    public static final String CONCAT_CHARS = "ember_str_concat_chars";

    public static final KernelFamily FAMILY = KernelFamily.of("strfuncs", List.of(
            KernelSpec.of("strfuncs", LENGTH, PTR, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("strfuncs", SUBSTRING_RANGES, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I64),
            KernelSpec.of("strfuncs", TRIM_RANGES, PTR, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I64),
            KernelSpec.of("strfuncs", COPY_RANGES, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("strfuncs", CASE_ASCII, PTR, PTR, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("strfuncs", MATCH, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I64),
            KernelSpec.of("strfuncs", LIKE, PTR, PTR, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("strfuncs", IN_LIST, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I64),
            KernelSpec.of("strfuncs", CONCAT_SIZES, PTR, PTR, PTR, PTR, I32, I64),
            KernelSpec.of("strfuncs", CONCAT_CHARS, PTR, PTR, PTR, I32, I64)));

    private StringFunctionKernels() {}
}
