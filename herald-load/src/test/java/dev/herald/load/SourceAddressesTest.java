package dev.herald.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceAddressesTest {
  @Test
  void aRangeIsInclusiveAndUsedRoundRobin() {
    SourceAddresses a = SourceAddresses.parse("127.0.0.2-127.0.0.4");

    assertThat(a.size()).isEqualTo(3);
    assertThat(a.get(0).getHostAddress()).isEqualTo("127.0.0.2");
    assertThat(a.get(2).getHostAddress()).isEqualTo("127.0.0.4");
    assertThat(a.get(3).getHostAddress()).isEqualTo("127.0.0.2");
    assertThat(a.get(-1).getHostAddress()).isEqualTo("127.0.0.4");
    assertThat(a).hasToString("127.0.0.2-127.0.0.4 (3)");
  }

  @Test
  void rangesCrossOctetsAndListsCombine() {
    SourceAddresses a = SourceAddresses.parse("10.0.0.254-10.0.1.1, 192.168.1.7");

    assertThat(a.size()).isEqualTo(5);
    assertThat(a.get(2).getHostAddress()).isEqualTo("10.0.1.0");
    assertThat(a.get(4).getHostAddress()).isEqualTo("192.168.1.7");
  }

  @Test
  void theDefaultRangeHas39Addresses() {
    assertThat(SourceAddresses.parse(SourceAddresses.DEFAULT_LOOPBACK_RANGE).size()).isEqualTo(39);
    assertThat(SourceAddresses.none().size()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "127.0.0",
        "127.0.0.256",
        "127.0.0.x",
        "127.0.0.5-127.0.0.4",
        "::1",
        "1.2.3.4-"
      })
  void refusesWhatIsNotAnIpv4RangeWithAClearMessage(String spec) {
    assertThatThrownBy(() -> SourceAddresses.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("source addresses: ");
  }

  @Test
  void refusesHugeRanges() {
    assertThatThrownBy(() -> SourceAddresses.parse("10.0.0.0-10.255.255.255"))
        .hasMessageContaining("at most 65536");
  }

  @Test
  void loopbackTargetsSpreadOverTheDefaultRange() {
    assertThat(LoadTarget.defaultSourceAddresses(URI.create("http://127.0.0.1:8080/")).size())
        .isEqualTo(39);
    assertThat(LoadTarget.defaultSourceAddresses(URI.create("http://localhost/")).size())
        .isEqualTo(39);
    assertThat(LoadTarget.defaultSourceAddresses(URI.create("http://example.com/")).size())
        .isZero();
  }
}
