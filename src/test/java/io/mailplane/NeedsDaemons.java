package io.mailplane;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that needs a daemon beyond MariaDB and Redis: Postfix, Dovecot, Rspamd, Unbound, Pebble,
 * BIND or the fetchmail binary (deploy/local/test-services.sh). The fast subset ({@code ./mvnw test
 * -Pfast}) leaves these out; the full suite runs them. Rule in docs/testing.md.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag(NeedsDaemons.TAG)
public @interface NeedsDaemons {
  String TAG = "daemons";
}
