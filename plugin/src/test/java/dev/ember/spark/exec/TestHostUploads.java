package dev.ember.spark.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ember.cuda.column.HostColumn;
import dev.ember.cuda.column.HostTable;
import org.junit.jupiter.api.Test;

/** Where an upload splits a host table so each string column of a device batch stays within its byte limit. */
class TestHostUploads {
    private static HostTable table(String... values) {
        int[] ints = new int[values.length];
        return HostTable.of(HostColumn.fromInts(ints, null), HostColumn.fromStrings(values));
    }

    @Test
    void aTableWithinTheLimitIsOnePiece() {
        try (HostTable t = table("ab", "cd", null, "")) {
            assertThat(HostUploads.splitPoints(t, 4)).containsExactly(0, 4);
        }
    }

    @Test
    void piecesHoldAtMostTheLimitAndALargerRowStandsAlone() {
        try (HostTable t = table("aaa", "bb", "c", "dddddddd", null, "ee", "", "f")) {
            // Bytes per row: 3 2 1 8 0 2 0 1; limit 4.
            assertThat(HostUploads.splitPoints(t, 4)).containsExactly(0, 1, 3, 4, 8);
        }
    }

    @Test
    void everyStringColumnCounts() {
        try (HostTable t = HostTable.of(HostColumn.fromStrings(new String[] {"a", "b", "c"}),
                HostColumn.fromStrings(new String[] {"xxxx", "y", "zzzz"}))) {
            assertThat(HostUploads.splitPoints(t, 5)).containsExactly(0, 2, 3);
        }
    }
}
