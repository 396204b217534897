package dev.ember.cuda.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.cuda.ops.LikePattern.Kind;
import dev.ember.cuda.ops.LikePattern.Simple;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TestLikePattern {
    @Test
    void classifiesPatternsThatCheaperOperationsAnswer() {
        assertThat(LikePattern.parse("abc").classify()).contains(new Simple(Kind.EQUALS, "abc"));
        assertThat(LikePattern.parse("").classify()).contains(new Simple(Kind.EQUALS, ""));
        assertThat(LikePattern.parse("ab%").classify()).contains(new Simple(Kind.STARTS_WITH, "ab"));
        assertThat(LikePattern.parse("%ab").classify()).contains(new Simple(Kind.ENDS_WITH, "ab"));
        assertThat(LikePattern.parse("%%ab%%").classify()).contains(new Simple(Kind.CONTAINS, "ab"));
        assertThat(LikePattern.parse("%").classify()).contains(new Simple(Kind.STARTS_WITH, ""));
        assertThat(LikePattern.parse("a\\%b%").classify()).contains(new Simple(Kind.STARTS_WITH, "a%b"));
        assertThat(LikePattern.parse("a_b").classify()).isEqualTo(Optional.empty());
        assertThat(LikePattern.parse("a%b").classify()).isEqualTo(Optional.empty());
        assertThat(LikePattern.parse("%a%b%").classify()).isEqualTo(Optional.empty());
    }

    @Test
    void programEncodesUtf8BytesAndWildcards() {
        LikePattern p = LikePattern.parse("a_\u00e9%\ud83d\ude00");
        assertThat(p.tokenCount()).isEqualTo(5);
        assertThat(p.program()).containsExactly(1, 'a', 0, 0, 2, 0xA9C3, -1, 0, 4, 0x80989FF0);
    }

    @Test
    void rejectsWhatSparkRejects() {
        assertThatThrownBy(() -> LikePattern.parse("a\\b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ESC_IN_THE_MIDDLE").hasMessageContaining("precede 'b'");
        assertThatThrownBy(() -> LikePattern.parse("ab\\")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ESC_AT_THE_END");
        assertThatThrownBy(() -> LikePattern.parse("a\ud83d")).hasMessageContaining("unpaired surrogate");
    }

    @Test
    void customEscapeCharacter() {
        assertThat(LikePattern.parse("a#%#_##%", '#').classify()).contains(new Simple(Kind.STARTS_WITH, "a%_#"));
        assertThat(LikePattern.parse("a\\%", '#').classify()).contains(new Simple(Kind.STARTS_WITH, "a\\"));
    }
}
