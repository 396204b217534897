package dev.ember.it.cluster;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.PrimitiveType;

/**
 * The inputs of the sales ETL job (customers as CSV, orders as Parquet, with nulls, a quoted comma and
 * non-ASCII text), written without Spark, and its Parquet output read back as text, also without Spark.
 */
final class SalesData {
    static final int CUSTOMERS = 300;
    static final int ORDERS_PER_FILE = 6_000;
    private static final String[] REGIONS = {"north", "south", "east", "west", "Zürich", ""};
    private static final String[] SEGMENTS = {"retail", "wholesale", "internal", ""};
    private static final String[] STATUSES = {"shipped", "shipped", "shipped", "pending", "returned", null};
    private static final MessageType ORDERS = MessageTypeParser.parseMessageType("""
            message orders {
              required int64 order_id;
              optional int64 customer_id;
              optional int32 quantity;
              optional int64 amount (DECIMAL(12,2));
              optional binary status (STRING);
            }""");

    private SalesData() {}

    /** Writes {@code customers.csv} and {@code orders/} (two Parquet files) into {@code dir}. */
    static void write(Path dir, long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("customer_id,name,region,segment\n");
        for (int c = 0; c < CUSTOMERS; c++) {
            String name = c % 17 == 0 ? "\"Smith, Jones & Co " + c + "\"" : "customer " + c;
            csv.append(c).append(',').append(name).append(',').append(REGIONS[random.nextInt(REGIONS.length)])
                    .append(',').append(SEGMENTS[random.nextInt(SEGMENTS.length)]).append('\n');
        }
        Files.writeString(dir.resolve("customers.csv"), csv, StandardCharsets.UTF_8);

        Path orders = Files.createDirectories(dir.resolve("orders"));
        Configuration conf = new Configuration();
        SimpleGroupFactory groups = new SimpleGroupFactory(ORDERS);
        for (int file = 0; file < 2; file++) {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(
                    orders.resolve("part-" + file + ".parquet").toUri());
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(path).withConf(conf).withType(ORDERS)
                    .build()) {
                for (int i = 0; i < ORDERS_PER_FILE; i++) {
                    Group g = groups.newGroup().append("order_id", (long) file * ORDERS_PER_FILE + i);
                    if (random.nextInt(50) != 0) {
                        // A few ids of no customer: the inner join drops them.
                        g.append("customer_id", (long) random.nextInt(CUSTOMERS + 20));
                    }
                    if (random.nextInt(40) != 0) {
                        g.append("quantity", random.nextInt(25) - 2);
                    }
                    if (random.nextInt(30) != 0) {
                        g.append("amount", random.nextLong(-1_000L, 5_000_000L));
                    }
                    String status = STATUSES[random.nextInt(STATUSES.length)];
                    if (status != null) {
                        g.append("status", status);
                    }
                    writer.write(g);
                }
            }
        }
    }

    /** A Parquet output directory as Spark wrote it: the schema of its files and every row as text. */
    record Output(String schema, List<String> rows) {}

    /** Reads every {@code part-*.parquet} file of {@code dir}; rows sorted, each one field per column. */
    static Output read(Path dir) throws IOException {
        List<Path> parts;
        try (Stream<Path> s = Files.list(dir)) {
            parts = s.filter(p -> p.getFileName().toString().startsWith("part-")
                    && p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        if (parts.isEmpty()) {
            throw new AssertionError("no part-*.parquet files in " + dir);
        }
        Configuration conf = new Configuration();
        List<String> schemas = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (Path part : parts) {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(part.toUri());
            MessageType schema;
            try (ParquetFileReader file = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
                schema = file.getFooter().getFileMetaData().getSchema();
            }
            schemas.add(schema.toString());
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build()) {
                for (Group g = reader.read(); g != null; g = reader.read()) {
                    rows.add(render(g, schema));
                }
            }
        }
        if (schemas.stream().distinct().count() != 1) {
            throw new AssertionError("the part files of " + dir + " differ in schema: " + schemas);
        }
        rows.sort(null);
        return new Output(schemas.get(0), List.copyOf(rows));
    }

    private static String render(Group g, MessageType schema) {
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < schema.getFieldCount(); i++) {
            if (i > 0) {
                row.append(" | ");
            }
            if (g.getFieldRepetitionCount(i) == 0) {
                row.append("null");
                continue;
            }
            PrimitiveType type = schema.getType(i).asPrimitiveType();
            LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
            if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
                BigInteger unscaled = switch (type.getPrimitiveTypeName()) {
                    case INT32 -> BigInteger.valueOf(g.getInteger(i, 0));
                    case INT64 -> BigInteger.valueOf(g.getLong(i, 0));
                    default -> new BigInteger(g.getBinary(i, 0).getBytes());
                };
                row.append(new BigDecimal(unscaled, decimal.getScale()).toPlainString());
                continue;
            }
            switch (type.getPrimitiveTypeName()) {
                case BINARY, FIXED_LEN_BYTE_ARRAY -> {
                    Binary b = g.getBinary(i, 0);
                    row.append(logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                            ? "'" + b.toStringUsingUTF8() + "'" : "0x" + HexFormat.of().formatHex(b.getBytes()));
                }
                case DOUBLE -> row.append(Long.toHexString(Double.doubleToRawLongBits(g.getDouble(i, 0))))
                        .append('=').append(g.getDouble(i, 0));
                case FLOAT -> row.append(Integer.toHexString(Float.floatToRawIntBits(g.getFloat(i, 0))))
                        .append('=').append(g.getFloat(i, 0));
                default -> row.append(g.getValueToString(i, 0));
            }
        }
        return row.toString();
    }
}
