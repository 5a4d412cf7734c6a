package io.mailplane.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the resource methods a mailbox with only the {@code self} role may call (its own mailbox,
 * password, fetchmail accounts, Apple profile, session). {@link AuthFilter} answers 404 for every
 * other endpoint, as for an object outside a token's domains; the service still checks which
 * mailbox the caller may touch ({@link Caller#canReadMailbox}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface SelfService {}
