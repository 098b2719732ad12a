package dev.bedrockchat.infra.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderedTest {

    @Test
    void keepsTheOrderTheEntriesWereWrittenIn() {
        assertThat(Ordered.map("z", 1, "a", 2, "m", 3, "b", 4).keySet()).containsExactly("z", "a", "m", "b");
        assertThat(Ordered.entries(Map.entry("StringEquals", "x"), Map.entry("ArnLike", "y"))
                        .keySet())
                .containsExactly("StringEquals", "ArnLike");
        assertThat(Ordered.map("only", List.of(1))).containsExactly(Map.entry("only", List.of(1)));
        assertThat(Ordered.<String, String>map()).isEmpty();
    }

    @Test
    void isUnmodifiableAndRejectsARepeatedKey() {
        Map<String, Integer> map = Ordered.map("a", 1, "b", 2);
        assertThatThrownBy(() -> map.put("c", 3)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Ordered.map("a", 1, "a", 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("repeated key: a");
    }
}
