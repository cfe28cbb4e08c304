/* Mount the vendored GraphiQL on #graphiql; queries go to /graphql/ as JSON POSTs.
   The API reads only "Authorization: Bearer <token>": paste a token in the Headers tab. */
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var fetcher = GraphiQL.createFetcher({ url: root.dataset.endpoint });
  var defaultQuery = [
    "# Meidu Market GraphQL API: press the run button or Ctrl-Enter.",
    "# Signed-in calls: put {\"Authorization\": \"Bearer <token>\"} under Headers.",
    "{",
    "  shop {",
    "    name",
    "    description",
    "  }",
    "  towns(first: 5) {",
    "    edges {",
    "      node {",
    "        name",
    "        nameEn",
    "      }",
    "    }",
    "  }",
    "}",
    ""
  ].join("\n");
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: defaultQuery, defaultEditorToolsVisibility: true })
  );
})();
