// fraiseql-http: start GraphiQL on this page. Loaded as a file, not inline,
// because the page's Content-Security-Policy allows no inline script.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var endpoint = root.getAttribute('data-endpoint');
  // GraphiQL's dialogs add a <style> element; the style library gives it the
  // nonce found in this global, which the Content-Security-Policy allows.
  window.__webpack_nonce__ = root.getAttribute('data-style-nonce');
  var ws = (window.location.protocol === 'https:' ? 'wss://' : 'ws://') + window.location.host + endpoint;

  var httpAndWs = GraphiQL.createFetcher({
    url: endpoint,
    // No `headers` option on purpose. createFetcher already sends
    // "content-type: application/json" and merges a headers object into its
    // own by key, so a "Content-Type" key (another spelling of the same
    // header) becomes a second field, which fetch() joins into
    // "application/json, application/json"; FastAPI's body parsing (and so
    // this server) answers that with 422.
    //
    // The server answers single JSON results (no @defer/@stream), so the
    // multipart "incremental delivery" path and its Accept header are off.
    enableIncrementalDelivery: false,
    // Subscriptions go over graphql-transport-ws (the graphql-ws client
    // bundled in GraphiQL) on the same path; queries and mutations stay on
    // HTTP POST.
    subscriptionUrl: ws,
  });

  // createFetcher sends an operation over the WebSocket only when GraphiQL
  // hands it the parsed document and the operation's name. GraphiQL leaves
  // the document out when it cannot analyse it against the schema (a
  // subscription while the schema has no Subscription type, for one) and
  // sends no operationName for a document with a single operation; the
  // subscription then went out as an HTTP POST. Fill both in here.
  function fetcher(params, opts) {
    var doc = opts && opts.documentAST;
    if (!doc) {
      try {
        doc = GraphiQL.GraphQL.parse(params.query);
      } catch (e) {
        doc = undefined; // the server reports the syntax error
      }
    }
    var ops = doc ? doc.definitions.filter(function (d) { return d.kind === 'OperationDefinition'; }) : [];
    if (ops.length === 1 && ops[0].operation === 'subscription' && !params.operationName && ops[0].name) {
      params = Object.assign({}, params, { operationName: ops[0].name.value });
    }
    return httpAndWs(params, Object.assign({}, opts, { documentAST: doc }));
  }

  var plugins = [];
  if (window.GraphiQLPluginExplorer) {
    plugins.push(GraphiQLPluginExplorer.explorerPlugin());
  }

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: plugins,
      defaultEditorToolsVisibility: true,
    })
  );
})();
