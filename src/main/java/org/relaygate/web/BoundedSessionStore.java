package org.relaygate.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.SessionStore;

/**
 * A session store with a ceiling: every visit to a form creates a session (it holds the CSRF token),
 * so without one a flood of page loads would grow the heap until the sessions expire. Beyond
 * {@code maxSessions} a new session is not stored (its form then fails the CSRF check with 403);
 * sessions already stored keep working, and expired ones make room again.
 */
final class BoundedSessionStore implements SessionStore {

    /** Far above a campus's visitors in one session timeout; a few hundred bytes each. */
    static final int MAX_SESSIONS = 100_000;

    private final SessionStore delegate;
    private final int maxSessions;

    BoundedSessionStore(SessionStore delegate, int maxSessions) {
        this.delegate = delegate;
        this.maxSessions = maxSessions;
    }

    @Override
    public Future<Void> put(Session session) {
        return delegate.get(session.id()).compose(stored -> stored != null ? delegate.put(session)
                : delegate.size().compose(n -> n >= maxSessions
                        ? Future.failedFuture(new IllegalStateException("session store full: " + maxSessions + " sessions"))
                        : delegate.put(session)));
    }

    @Override
    public SessionStore init(Vertx vertx, JsonObject options) {
        delegate.init(vertx, options);
        return this;
    }

    @Override
    public long retryTimeout() {
        return delegate.retryTimeout();
    }

    @Override
    public Session createSession(long timeout) {
        return delegate.createSession(timeout);
    }

    @Override
    public Session createSession(long timeout, int length) {
        return delegate.createSession(timeout, length);
    }

    @Override
    public Future<Session> get(String id) {
        return delegate.get(id);
    }

    @Override
    public Future<Void> delete(String id) {
        return delegate.delete(id);
    }

    @Override
    public Future<Void> clear() {
        return delegate.clear();
    }

    @Override
    public Future<Integer> size() {
        return delegate.size();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
