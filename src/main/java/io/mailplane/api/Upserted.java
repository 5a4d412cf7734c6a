package io.mailplane.api;

/** The outcome of a PUT: the object as stored and whether it was created. */
public record Upserted<T>(T value, boolean created) {}
