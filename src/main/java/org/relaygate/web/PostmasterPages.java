package org.relaygate.web;

import io.vertx.ext.web.Router;

/** Contract stub (issue 7): filled in by its owner. */
final class PostmasterPages {

    private PostmasterPages() {
    }

    static void mount(Router router, WebContext context) {
    }
}
