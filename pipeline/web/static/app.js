// jointreport portal: drag and drop onto an upload field, and the editors' build progress.
// The pages work without it; no inline script (the Content-Security-Policy forbids it).
"use strict";
document.querySelectorAll(".drop").forEach(function (zone) {
  var input = zone.querySelector("input[type=file]");
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    zone.closest("form").requestSubmit();
  });
  input.addEventListener("change", function () {
    var title = zone.querySelector(".drop-title");
    if (input.files.length) title.textContent = input.files[0].name;
  });
});

document.querySelectorAll("form.upload").forEach(function (form) {
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "Checking…";
    form.setAttribute("aria-busy", "true");
  });
});

var card = document.getElementById("report-card");
if (card) card.focus();

var progress = document.getElementById("progress");
if (progress && progress.dataset.state === "running") {
  var token = location.pathname.split("/")[2];
  var poll = function () {
    fetch("/api/build", { headers: { Authorization: "Bearer " + token } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        document.getElementById("build-state").textContent = job.state;
        var log = document.getElementById("build-log");
        log.textContent = "";
        job.progress.forEach(function (line) {
          var item = document.createElement("li");
          item.textContent = line;
          log.appendChild(item);
        });
        if (job.state === "running") setTimeout(poll, 1000); else location.reload();
      });
  };
  setTimeout(poll, 1000);
}
