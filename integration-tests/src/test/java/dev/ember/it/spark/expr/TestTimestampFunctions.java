package dev.ember.it.spark.expr;

import dev.ember.it.spark.BothAdaptiveModes;
import dev.ember.it.spark.GpuDiff;
import dev.ember.it.spark.SparkSessionExtension;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Timestamps in GPU expression programs against Spark, in several session time zones (UTC, DST zones,
 * a +05:30 zone, Lord Howe's 30-minute DST): casts between timestamps, dates and numbers, hour, minute,
 * second and the date parts of timestamps, date_trunc, trunc, add_months, make_date and
 * unix_timestamp, comparisons, conditionals and IN; over instants around every DST transition of those
 * zones (gaps and overlaps), before 1900, after 2100, the epoch, negative microseconds, Spark's minimum
 * and maximum, and nulls.
 */
@ExtendWith(SparkSessionExtension.class)
class TestTimestampFunctions {
    private static final List<String> ZONES = List.of("UTC", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata",
            "Australia/Lord_Howe");
    private static final StructType SCHEMA = new StructType()
            .add("ts", DataTypes.TimestampType, true)
            .add("u", DataTypes.TimestampType, true)
            .add("d", DataTypes.DateType, true)
            .add("l", DataTypes.LongType, true)
            .add("x", DataTypes.DoubleType, true)
            .add("n", DataTypes.IntegerType, true)
            .add("y", DataTypes.IntegerType, true)
            .add("m", DataTypes.IntegerType, true)
            .add("dd", DataTypes.IntegerType, true)
            .add("fmt", DataTypes.StringType, true);

    @BeforeAll
    static void register(SparkSession spark) {
        List<Instant> instants = new ArrayList<>();
        for (String zone : ZONES) {
            for (ZoneOffsetTransition t : ZoneId.of(zone).getRules().getTransitions()) {
                if (t.getInstant().isAfter(Instant.parse("1880-01-01T00:00:00Z"))) {
                    for (long d : new long[] {-3600, -1, 0, 1, 1800, 3599}) {
                        instants.add(t.getInstant().plusSeconds(d));
                    }
                }
            }
            ZoneOffsetTransition next = ZoneId.of(zone).getRules().nextTransition(Instant.parse("2090-01-01T00:00:00Z"));
            for (int i = 0; i < 8 && next != null; i++) {
                instants.add(next.getInstant().minusMillis(1));
                instants.add(next.getInstant().plusSeconds(1800));
                next = ZoneId.of(zone).getRules().nextTransition(next.getInstant());
            }
        }
        for (String s : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.5Z",
            "1960-06-15T12:34:56.789012Z", "1899-12-31T23:59:59Z", "1850-03-01T05:06:07.000001Z",
            "2150-07-04T10:00:00Z", "2250-03-10T10:30:00Z", "2500-11-05T09:15:00.25Z", "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999Z", "2000-02-29T23:30:00Z", "2024-12-30T00:00:00Z"}) {
            instants.add(Instant.parse(s));
        }
        Random r = new Random(11);
        List<Row> rows = new ArrayList<>();
        String[] formats = {"year", "month", "day", "hour", "week", "quarter", "bogus"};
        for (int i = 0; i < instants.size(); i++) {
            Instant at = instants.get(i);
            Instant other = instants.get(r.nextInt(instants.size()));
            LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(at.getEpochSecond(), 86400) + r.nextInt(3) - 1);
            rows.add(RowFactory.create(Timestamp.from(at), i % 7 == 0 ? null : Timestamp.from(other),
                    Date.valueOf(date), r.nextInt(4) == 0 ? null : r.nextLong() % 20_000_000_000L,
                    (r.nextInt(2_000_000_000) - 1e9) * 3.3 + r.nextDouble(), r.nextInt(61) - 30,
                    1900 + r.nextInt(200), r.nextInt(14), r.nextInt(33), formats[i % formats.length]));
        }
        rows.add(RowFactory.create(null, null, null, null, Double.NaN, null, 2023, 2, 29, null));
        // Spark's first and last dates and seconds (results stay within the years Spark's rows can hold).
        rows.add(RowFactory.create(null, null, Date.valueOf(LocalDate.of(1, 1, 1)), 253_402_300_799L,
                Double.POSITIVE_INFINITY, 1200, 2024, 2, 29, "year"));
        rows.add(RowFactory.create(null, null, Date.valueOf(LocalDate.of(9999, 12, 31)), -62_135_596_800L,
                -62_135_596_799.999, -1200, 1, 1, 1, "day"));
        spark.createDataFrame(rows, SCHEMA).createOrReplaceTempView("tz");
    }

    private static GpuDiff diff(SparkSession spark, boolean adaptive, String zone) {
        return ExprTables.diff(spark, adaptive).conf("spark.sql.session.timeZone", zone)
                .expectGpu("GpuProject", "GpuLocalTableScan", "GpuColumnarToRow");
    }

    @BothAdaptiveModes
    void castsAndFieldsInEveryZone(boolean adaptive, SparkSession spark) {
        for (String zone : ZONES) {
            diff(spark, adaptive, zone).assertGpuAndCpuEqual(s -> s.sql("SELECT ts, CAST(ts AS DATE) AS a, "
                    + "hour(ts) AS b, minute(ts) AS c, second(ts) AS e, year(ts) AS g, month(ts) AS h, "
                    + "dayofmonth(ts) AS k, to_date(ts) AS o, CAST(d AS TIMESTAMP) AS p, dayofweek(ts) AS q, "
                    + "CAST(CAST(ts AS DATE) AS TIMESTAMP) AS r, CAST(ts AS BIGINT) AS v, CAST(ts AS DOUBLE) AS w, "
                    + "CAST(ts AS INT) AS z, CAST(ts AS FLOAT) AS z1, CAST(ts AS BOOLEAN) AS z2, CAST(l AS TIMESTAMP) "
                    + "AS z3, CAST(x AS TIMESTAMP) AS z4, CAST(n AS TIMESTAMP) AS z5, unix_timestamp(ts) AS z6, "
                    + "unix_timestamp(d) AS z7, to_unix_timestamp(ts) AS z8, unix_timestamp(ts, 'yyyy') AS z9 FROM tz"));
        }
    }

    @BothAdaptiveModes
    void truncationsInEveryZone(boolean adaptive, SparkSession spark) {
        for (String zone : ZONES) {
            diff(spark, adaptive, zone).assertGpuAndCpuEqual(s -> s.sql("SELECT ts, date_trunc('YEAR', ts) AS a, "
                    + "date_trunc('QUARTER', ts) AS b, date_trunc('MONTH', ts) AS c, date_trunc('WEEK', ts) AS e, "
                    + "date_trunc('DAY', ts) AS g, date_trunc('HOUR', ts) AS h, date_trunc('MINUTE', ts) AS k, "
                    + "date_trunc('SECOND', ts) AS o, date_trunc('MILLISECOND', ts) AS p, "
                    + "date_trunc('MICROSECOND', ts) AS q, date_trunc('dd', u) AS r, date_trunc('mon', u) AS v, "
                    + "date_trunc('fortnight', ts) AS w FROM tz"));
        }
    }

    @BothAdaptiveModes
    void comparisonsConditionalsAndInOnTimestamps(boolean adaptive, SparkSession spark) {
        for (String zone : List.of("UTC", "America/Los_Angeles", "Australia/Lord_Howe")) {
            ExprTables.diff(spark, adaptive).conf("spark.sql.session.timeZone", zone)
                    .expectGpu("GpuFilterProject", "GpuLocalTableScan", "GpuColumnarToRow").assertGpuAndCpuEqual(s -> s.sql("SELECT ts, u, "
                    + "ts < u AS a, ts <=> u AS b, coalesce(u, ts) AS c, IF(ts > u, ts, u) AS e, "
                    + "CASE WHEN u IS NULL THEN TIMESTAMP'2000-01-01 00:00:00' WHEN ts = u THEN NULL ELSE u END AS g, "
                    + "ts IN (TIMESTAMP'1970-01-01 00:00:00', TIMESTAMP'2021-03-14 03:00:00', NULL) AS h, "
                    + "greatest(ts, u) AS k, least(ts, u) AS o FROM tz "
                    + "WHERE ts >= TIMESTAMP'1900-01-01 00:00:00' OR u IS NULL"));
        }
    }

    @BothAdaptiveModes
    void dateFunctions(boolean adaptive, SparkSession spark) {
        diff(spark, adaptive, "America/Los_Angeles").assertGpuAndCpuEqual(s -> s.sql("SELECT d, trunc(d, 'YEAR') AS a, "
                + "trunc(d, 'MM') AS b, trunc(d, 'WEEK') AS c, trunc(d, 'QUARTER') AS e, trunc(d, 'DAY') AS g, "
                + "add_months(d, n) AS h, add_months(d, 1) AS k, add_months(d, -13) AS o, make_date(y, m, dd) AS p, "
                + "make_date(y, 2, 29) AS q FROM tz"));
    }

    @BothAdaptiveModes
    void whatTheGpuCannotReproduceStaysOnTheCpu(boolean adaptive, SparkSession spark) {
        GpuDiff d = ExprTables.diff(spark, adaptive).conf("spark.sql.session.timeZone", "Europe/Berlin");
        d.assertFallback(s -> s.sql("SELECT date_trunc(fmt, ts) AS a FROM tz"), "ProjectExec",
                "TruncTimestamp with a format that is not a constant");
        d.assertFallback(s -> s.sql("SELECT trunc(d, fmt) AS a FROM tz"), "ProjectExec",
                "TruncDate with a format that is not a constant");
        d.assertFallback(s -> s.sql("SELECT unix_timestamp(fmt) AS a FROM tz"), "ProjectExec",
                "UnixTimestamp of strings parses them with a datetime pattern");
        d.assertFallback(s -> s.sql("SELECT from_unixtime(l) AS a FROM tz"), "ProjectExec",
                "expression FromUnixTime has no GPU implementation");
        d.assertFallback(s -> s.sql("SELECT months_between(ts, u) AS a FROM tz"), "ProjectExec",
                "expression MonthsBetween has no GPU implementation");
        d.assertFallback(s -> s.sql("SELECT CAST(ts AS STRING) AS a FROM tz"), "ProjectExec",
                "Cast from timestamp to string is not supported on the GPU");
        ExprTables.diff(spark, adaptive).conf("spark.sql.ansi.enabled", "true").assertFallback(
                s -> s.sql("SELECT make_date(2020, m, 1) AS a FROM tz WHERE m BETWEEN 1 AND 12"), "ProjectExec",
                "MakeDate with failOnError=true");
    }
}
