// Package graphiql serves fraiseql-http's GraphiQL page and everything it loads,
// from files embedded in the binary: a pinned GraphiQL 4.1.2 build (its UMD
// bundle and CSS), React and ReactDOM 18.3.1, the explorer plugin, and the
// page and start-up script written for this server. A browser that can reach
// the server can use GraphiQL with no other network access.
//
// What it owns: the page (served at Options.Path, normally /graphql) and the
// assets under Options.Path + "/graphiql/", their cache headers and ETags, and
// the fetcher configuration (HTTP POST to the endpoint with a single
// "content-type: application/json" header; subscriptions over
// graphql-transport-ws on the same path).
//
// What it must never do: refer the browser to another origin (no CDN, no
// fonts, no analytics), run GraphQL itself, or decide when the page is shown:
// the caller routes GET requests to it (v1 shows the page only in development
// and only for a GET without a query parameter; v1's own page bytes stay in
// httpcore for that compatibility mode).
//
// Security defaults: the page is sent with a Content-Security-Policy that
// allows scripts, styles and connections from the page's own origin only
// (images and fonts also from data: URLs, which GraphiQL's CSS embeds; inline
// <style> elements only with the answer's fresh nonce, which GraphiQL's
// dialogs need), no inline script, no framing (frame-ancestors 'none'), no
// form submission and no <base> element; X-Content-Type-Options nosniff and
// Referrer-Policy no-referrer on every answer. The page is never stored
// (its nonce changes); assets are immutable for a year only when requested
// with the content hash the page puts in their URL, and any other request
// for them must be revalidated with the ETag.
//
// The embedded third-party files are refreshed only by `make
// graphiql-update` (scripts/graphiql-update.sh), which records each file's
// source package, size and sha256 in assets/manifest.json and the licences of
// every package in the installed npm tree in assets/THIRD_PARTY_NOTICES.txt.
package graphiql
