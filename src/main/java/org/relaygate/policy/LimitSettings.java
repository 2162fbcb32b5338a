package org.relaygate.policy;

import java.time.Duration;

/**
 * The service-wide rate limit settings ({@code limits.*} keys): the default limits, the length of
 * the sliding window the two "per hour" limits count over, and auto-suspension. A registration
 * is auto-suspended when, within one window, it ATTEMPTS more than {@code autoSuspendFactor} times
 * its messages-per-hour or recipients-per-hour limit (deferred attempts count: they are what
 * "far past its limits" means, since accepted ones never exceed the limit).
 */
public record LimitSettings(Limits defaults, Duration window, boolean autoSuspend, int autoSuspendFactor) {

    public static final LimitSettings DEFAULTS = new LimitSettings(new Limits(100, 50, 500), Duration.ofHours(1), true, 5);

    public LimitSettings {
        if (defaults == null || window == null) {
            throw new IllegalArgumentException("limits: defaults and window are required");
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("limits.window must be between 1s and 1d: " + window);
        }
        if (autoSuspendFactor < 2 || autoSuspendFactor > 1000) {
            throw new IllegalArgumentException("limits.auto-suspend-factor must be between 2 and 1000: " + autoSuspendFactor);
        }
    }

    /** The window as the configuration writes it: 1h, 10s, 90m, 1500ms. */
    public String windowText() {
        return LimitTexts.compact(window);
    }
}
