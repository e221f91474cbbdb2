package dev.herald.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessLogTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/plain | /plain",
        "/a?topic=x | /a?topic=x",
        "/a?authorization=eyJ.secret.sig | /a?authorization=***",
        "/a?topic=x&authorization=eyJ.s.s&b=1 | /a?topic=x&authorization=***&b=1",
        "/a?Authorization=eyJ | /a?Authorization=***",
        "/a?%61uthorization=eyJ | /a?%61uthorization=***",
        "/a?access_token=t&token=u | /a?access_token=***&token=***",
        "/export?expires=1&signature=abc | /export?expires=1&signature=***",
        "/a?authorization | /a?authorization=***",
        "/a?%zz=secret | /a?%zz=***",
      })
  void masksTheValuesOfParametersThatMayCarryACredential(String target, String logged) {
    assertThat(AccessLog.mask(target)).isEqualTo(logged);
  }
}
