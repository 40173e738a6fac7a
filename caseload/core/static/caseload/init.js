// Starts GOV.UK Frontend's components on every page. A file rather than an inline script, so that the
// Content Security Policy can refuse inline scripts. The layout passes GOV.UK Frontend's address (which
// carries a content hash in production) in a data attribute.
const script = document.querySelector("script[data-govuk-frontend]");
if (script) {
  import(script.dataset.govukFrontend).then(({ initAll }) => initAll());
}
