package io.metaspark.core.task;

/** A task's data: the support set to adapt on and the query set the adapted model is judged on. */
public record TaskData(TaskDescriptor descriptor, Examples support, Examples query) {}
