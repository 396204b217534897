package dev.ember.spark.planning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.spark.conf.EmberConf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

class TestExprMeta {
    private static final EmberConf DEFAULTS = EmberConf.of(Map.of());

    private static AttributeReference attribute(String name) {
        Seq<String> qualifier = CollectionConverters.asScala(List.<String>of()).toSeq();
        return new AttributeReference(name, DataTypes.IntegerType, true, Metadata.empty(), ExprId.apply(7), qualifier);
    }

    private static Alias alias(Expression child, String name) {
        return new Alias(child, name, ExprId.apply(8), CollectionConverters.asScala(List.<String>of()).toSeq(),
                Option.empty(), CollectionConverters.asScala(List.<String>of()).toSeq());
    }

    @Test
    void declaredRulesWithoutTranslationSayNotYet() {
        ExprMeta meta = ExprMeta.wrap(alias(Literal.create(1, DataTypes.IntegerType), "one"), e -> Optional.of(
                e instanceof Literal ? ExprRule.of(Literal.class, "constant", TypeSig.ALL_FIXED_WIDTH)
                        : ExprRule.of(Alias.class, "name", TypeSig.ALL_FIXED_WIDTH)));
        meta.tag(DEFAULTS);
        assertThat(meta.canRunOnGpu()).isFalse();
        assertThat(meta.reasons()).containsExactly("expression Alias has no GPU translation yet");
        assertThat(meta.children().get(0).reasons()).containsExactly("expression Literal has no GPU translation yet");
    }

    @Test
    void collectsEveryReason() {
        Expression e = alias(new Add(attribute("a"), Literal.create(new byte[] {1}, DataTypes.BinaryType),
                org.apache.spark.sql.catalyst.expressions.EvalMode.LEGACY()), "s");
        ExprMeta meta = ExprMeta.wrap(e);
        meta.tag(EmberConf.of(Map.of("spark.ember.sql.expression.Alias", "false")));
        List<String> all = meta.allReasons();
        assertThat(all).anyMatch(r -> r.contains("Alias is disabled by spark.ember.sql.expression.Alias=false"));
        assertThat(all).anyMatch(r -> r.startsWith("Add operand 1 (X'01'): type binary is not supported on the GPU"));
        assertThat(all).anyMatch(r -> r.contains("expression Literal: type binary is not supported on the GPU"));
        assertThat(all).noneMatch(r -> r.contains("AttributeReference"));
    }

    @Test
    void translatesChildrenFirstThroughThePluggedTranslators() {
        List<String> program = new ArrayList<>();
        ExprRule<Literal> literal = ExprRule.of(Literal.class, "constant", TypeSig.ALL_FIXED_WIDTH)
                .withTranslator((lit, children, ctx) -> {
                    ctx.builder(List.class).add("lit " + lit.value());
                    return "r" + program.size();
                });
        ExprRule<Alias> aliasRule = ExprRule.of(Alias.class, "name", TypeSig.ALL_FIXED_WIDTH)
                .withTranslator((a, children, ctx) -> {
                    program.add("alias " + a.name() + " = " + children.get(0));
                    return children.get(0);
                });
        ExprMeta meta = ExprMeta.wrap(alias(Literal.create(5, DataTypes.IntegerType), "five"), e -> Optional.of(
                e instanceof Literal ? literal : aliasRule));
        meta.tag(DEFAULTS);
        assertThat(meta.canRunOnGpu()).isTrue();
        Object result = meta.translate(new ExprTranslationContext() {
            @Override
            public List<org.apache.spark.sql.catalyst.expressions.Attribute> input() {
                return List.of();
            }

            @Override
            public <B> B builder(Class<B> type) {
                return type.cast(program);
            }
        });
        assertThat(program).containsExactly("lit 5", "alias five = r1");
        assertThat(result).isEqualTo("r1");
    }

    @Test
    void refusesToTranslateWhatCannotRun() {
        ExprMeta meta = ExprMeta.wrap(Literal.create(new byte[] {1}, DataTypes.BinaryType));
        meta.tag(DEFAULTS);
        assertThatThrownBy(() -> meta.translate(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("type binary is not supported on the GPU");
    }

    private static AttributeReference stringAttribute(String name) {
        Seq<String> qualifier = CollectionConverters.asScala(List.<String>of()).toSeq();
        return new AttributeReference(name, DataTypes.StringType, true, Metadata.empty(), ExprId.apply(9), qualifier);
    }

    @Test
    void aFusingTranslatorWrapsTheOperandsItNames() {
        Expression split = new org.apache.spark.sql.catalyst.expressions.StringSplit(stringAttribute("s"),
                Literal.create(",", DataTypes.StringType), Literal.create(-1, DataTypes.IntegerType));
        ExprMeta fused = ExprMeta.wrap(new org.apache.spark.sql.catalyst.expressions.GetArrayItem(split,
                Literal.create(1, DataTypes.IntegerType), false));
        fused.tag(DEFAULTS);
        // The string attribute alone: the array in between is not wrapped, so it keeps nothing on the CPU.
        assertThat(fused.children()).hasSize(1);
        assertThat(fused.children().get(0).expression()).isInstanceOf(AttributeReference.class);
        assertThat(fused.canRunOnGpu()).isTrue();

        ExprMeta regex = ExprMeta.wrap(new org.apache.spark.sql.catalyst.expressions.GetArrayItem(
                new org.apache.spark.sql.catalyst.expressions.StringSplit(stringAttribute("s"),
                        Literal.create("[,]", DataTypes.StringType), Literal.create(-1, DataTypes.IntegerType)),
                Literal.create(1, DataTypes.IntegerType), false));
        regex.tag(DEFAULTS);
        assertThat(regex.canRunOnGpu()).isFalse();
        assertThat(regex.reasons()).anyMatch(r -> r.contains("the pattern is a regular expression"));
    }
}
