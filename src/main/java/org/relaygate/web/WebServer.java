package org.relaygate.web;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.relaygate.config.HttpSettings;

/**
 * The web listener ({@code http.listen}): {@code /metrics} and {@code /health} (OpsRoutes), the JSON
 * API under {@code /api} (ApiRoutes), the public registration form (PublicPages) and the
 * postmaster's pages under {@code /postmaster} (PostmasterPages). Off unless configured.
 */
public final class WebServer {

    private final WebContext context;
    private final HttpSettings settings;
    private HttpServer server;

    public WebServer(WebContext context) {
        this.context = context;
        this.settings = context.config().http();
    }

    public Future<WebServer> start() {
        Router router = Router.router(context.vertx());
        OpsRoutes.mount(router, context);
        ApiRoutes.mount(router, context);
        PublicPages.mount(router, context);
        PostmasterPages.mount(router, context);
        server = context.vertx().createHttpServer(new HttpServerOptions()
                .setHost(settings.listen().host())
                .setPort(settings.listen().port()));
        return server.requestHandler(router).listen().map(s -> this);
    }

    public int actualPort() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
