package io.mailplane.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An endpoint under /api that takes no bearer token because it is how one is obtained (mailbox
 * sign-in). It must do its own rate limiting through {@link FailedAuthLimiter}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface WithoutToken {}
