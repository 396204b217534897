package dev.ember.cuda.kernel;

import static dev.ember.cuda.kernel.ArgType.I32;
import static dev.ember.cuda.kernel.ArgType.I64;
import static dev.ember.cuda.kernel.ArgType.PTR;

import java.util.List;

/**
 * {@code stredit.cu}: string functions that search a row for a literal ({@code locate}) or build a
 * new row from it (lpad, rpad, replace, reverse, repeat, substring_index: {@code edit_sizes}, then
 * {@code edit_chars} over the scanned sizes), and initcap's ASCII fast path with flags for the rows
 * the host maps ({@code initcap_ascii}), and concat_ws ({@code concat_ws_sizes}, {@code concat_ws_chars}). Parameters as in the contract comments of the {@code .cu}.
 */
public final class StringEditKernels {
    public static final String LOCATE = "ember_str_locate";
    public static final String EDIT_SIZES = "ember_str_edit_sizes";
    public static final String EDIT_CHARS = "ember_str_edit_chars";
    public static final String INITCAP_ASCII = "ember_str_initcap_ascii";
    public static final String CONCAT_WS_SIZES = "ember_str_concat_ws_sizes";
    public static final String CONCAT_WS_CHARS = "ember_str_concat_ws_chars";

    public static final KernelFamily FAMILY = KernelFamily.of("stredit", List.of(
            KernelSpec.of("stredit", LOCATE, PTR, PTR, PTR, PTR, PTR, PTR, I32, I32, I64),
            KernelSpec.of("stredit", EDIT_SIZES, PTR, PTR, PTR, PTR, PTR, PTR, PTR, I32, PTR, I32, I32, I32, I64),
            KernelSpec.of("stredit", EDIT_CHARS, PTR, PTR, PTR, PTR, PTR, I32, PTR, I32, I32, I32, I64),
            KernelSpec.of("stredit", INITCAP_ASCII, PTR, PTR, PTR, PTR, PTR, PTR, I64),
            KernelSpec.of("stredit", CONCAT_WS_SIZES, PTR, PTR, PTR, PTR, I32, I32, I64),
            KernelSpec.of("stredit", CONCAT_WS_CHARS, PTR, PTR, PTR, I32, PTR, I32, I64)));

    private StringEditKernels() {}
}
