package dev.herald.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

class Utf8Properties {
  /**
   * The fast path (the JDK decoder, used unless there is an encoded surrogate) must agree with the
   * step-by-step decoder that follows the Encoding Standard.
   */
  @Property(tries = 5000)
  void theFastPathDecodesAsTheEncodingStandard(@ForAll("utf8ish") byte[] bytes) {
    String expected = Utf8.decodeStepByStep(bytes, 0, bytes.length);

    assertThat(Utf8.decode(bytes, 0, bytes.length)).isEqualTo(expected);
    Statistics.label("replacements")
        .collect(expected.indexOf('\uFFFD') >= 0)
        .coverage(c -> c.check(true).percentage(p -> p > 30));
  }

  @Property(tries = 1000)
  void wellFormedTextDecodesToItself(@ForAll("wellFormed") String text) {
    byte[] bytes = Bytes.utf8(text);

    assertThat(Utf8.decode(bytes, 0, bytes.length)).isEqualTo(text);
    assertThat(Utf8.decodeStepByStep(bytes, 0, bytes.length)).isEqualTo(text);
  }

  @Provide
  Arbitrary<byte[]> utf8ish() {
    Arbitrary<byte[]> piece =
        Arbitraries.oneOf(
            List.of(
                wellFormed().map(Bytes::utf8),
                Arbitraries.integers().between(0x80, 0xFF).map(b -> new byte[] {(byte) (int) b}),
                Arbitraries.of(
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    new byte[] {(byte) 0xED, (byte) 0xBF},
                    new byte[] {(byte) 0xE0, (byte) 0x9F},
                    new byte[] {(byte) 0xF0, (byte) 0x8F},
                    new byte[] {(byte) 0xF4, (byte) 0x90},
                    new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98})));
    return piece
        .list()
        .ofMaxSize(8)
        .map(
            parts -> {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              parts.forEach(out::writeBytes);
              return out.toByteArray();
            });
  }

  @Provide
  Arbitrary<String> wellFormed() {
    return Arbitraries.integers()
        .between(0, Character.MAX_CODE_POINT)
        .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
        .list()
        .ofMaxSize(6)
        .map(
            codePoints -> {
              StringBuilder s = new StringBuilder();
              codePoints.forEach(s::appendCodePoint);
              return s.toString();
            });
  }
}
