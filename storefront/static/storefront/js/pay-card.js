/* The card step of the checkout: Stripe's Payment Element, confirmed in the browser.
   Stripe sends the browser to the form's return URL afterwards, where the server asks Stripe
   for the outcome; a refusal Stripe can show here (a declined card) stays on this page. */
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form) { return; }
  var error = document.getElementById("card-error");
  var button = document.getElementById("card-submit");
  function show(message) { error.textContent = message; error.hidden = false; }
  if (typeof window.Stripe !== "function") {
    show(form.dataset.unreachable);
    button.disabled = true;
    return;
  }
  var stripe = window.Stripe(form.dataset.publishableKey, { locale: form.dataset.locale });
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret, locale: form.dataset.locale });
  elements.create("payment").mount("#payment-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    error.hidden = true;
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        if (result.error) { show(result.error.message); button.disabled = false; }
      });
  });
})();
