// Copy the text of the element named by a button's data-copy-target (the receipt statement box).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy-target"));
  if (!source) return;
  var done = function () {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-copied-label") || label;
    setTimeout(function () { button.textContent = label; }, 2000);
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(source.value || source.textContent).then(done);
  } else {
    source.select();
    document.execCommand("copy");
    done();
  }
});
