// jointreport portal. The pages work without this script (forms post themselves); with it, a draft is
// sent to the JSON API (POST /api/drafts) and its report card shown in place, drag and drop works,
// and the editors' page follows the build's progress. No inline script: the CSP forbids it.
"use strict";

var token = location.pathname.split("/")[2];
var SEVERITY_WORDS = { error: ["error", "errors"], warning: ["warning", "warnings"], info: ["note", "notes"] };

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The report card from the API's answer; the same markup as templates/_card.html (answer.card: the
// findings in the focal point's words, as the page shows them).
function renderCard(heading, answer, stored) {
  var counts = answer.summary;
  var card = el("section", "panel card verdict-" + (counts.error ? "error" : counts.warning ? "warning" : "ok"));
  card.id = "report-card";
  card.tabIndex = -1;
  card.setAttribute("aria-labelledby", "card-title");
  var title = el("h2", "", "Report card: " + heading + (answer.translation ? " (" + answer.translation + ")" : ""));
  title.id = "card-title";
  card.appendChild(title);
  var lede = el("p", "lede");
  if (stored) {
    var verdict = counts.error ? "errors to fix" : counts.warning ? "warnings to look at" : "all clear";
    lede.append("Received: " + answer.words + " words — ", el("strong", "", verdict), ".");
  } else {
    lede.append(el("strong", "", "Not received:"), " the file cannot be read as a draft. Nothing was changed.");
  }
  card.appendChild(lede);
  var list = el("ul", "counts");
  list.setAttribute("aria-label", "Findings by severity");
  ["error", "warning", "info"].forEach(function (severity) {
    var item = el("li", "sev-" + severity);
    item.append(el("strong", "", String(counts[severity])), " " + SEVERITY_WORDS[severity][counts[severity] === 1 ? 0 : 1]);
    list.appendChild(item);
  });
  card.appendChild(list);
  if (answer.findings.length) {
    var findings = el("ol", "findings");
    (answer.card || answer.findings).forEach(function (finding) {
      var item = el("li", "finding sev-" + finding.severity);
      item.appendChild(el("span", "badge", finding.severity));
      var text = el("div");
      text.appendChild(el("p", "msg", finding.message));
      if (finding.location || finding.code) {
        var where = el("p", "where", finding.location || "");
        if (finding.location && finding.code) where.append(" · ");
        if (finding.code) where.appendChild(el("code", "", finding.code));
        text.appendChild(where);
      }
      item.appendChild(text);
      findings.appendChild(item);
    });
    card.appendChild(findings);
  } else {
    card.appendChild(el("p", "allclear", "Nothing to fix: the draft keeps the outline, the agreed terms and the agreed language."));
  }
  if (stored) card.appendChild(el("p", "muted small", "SHA-256 " + answer.stored.sha256.slice(0, 16) + "… · every earlier version is kept."));
  return card;
}

function showInSlot(node) {
  var slot = document.getElementById("card-slot");
  slot.textContent = "";
  slot.appendChild(node);
  node.focus();
  node.scrollIntoView({ block: "start" });
}

function asResult(response) {
  return response.json().then(function (answer) { return { status: response.status, answer: answer }; });
}

function waitingPanel(place) {
  var panel = el("section", "panel message");
  panel.id = "report-card";
  panel.tabIndex = -1;
  panel.append(el("h2", "", "Checking your draft"),
               el("p", "", place ? "Your draft is number " + place + " in line: other drafts are being checked first. It has been received and will not be refused because of the wait."
                                 : "Your draft is being checked now."));
  return panel;
}

function refusal(message) {
  var panel = el("section", "panel message");
  panel.id = "report-card";
  panel.tabIndex = -1;
  panel.setAttribute("role", "alert");
  panel.append(el("h2", "", "Not sent"), el("p", "", message));
  return panel;
}

// After a draft is stored, the section's status and file come from the server's own page.
function refreshSection(id) {
  return fetch(location.pathname, { credentials: "same-origin" })
    .then(function (response) { return response.text(); })
    .then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("s-" + id);
      var current = document.getElementById("s-" + id);
      if (fresh && current) current.replaceWith(document.importNode(fresh, true));
    });
}

function busy(form, on) {
  var button = form.querySelector("button[type=submit]");
  button.disabled = on;
  form.setAttribute("aria-busy", on ? "true" : "false");
  if (on) {
    button.dataset.label = button.innerHTML;
    button.textContent = "Checking…";
  } else if (button.dataset.label) {
    button.innerHTML = button.dataset.label;
  }
}

document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches("form.upload")) return;
  busy(form, true);
  if (!window.fetch || !window.FormData || !window.DOMParser) return; // the form posts itself
  event.preventDefault();
  var data = new FormData(form);
  data.delete("csrf");
  var section = data.get("section");
  var heading = form.closest("article").querySelector("h3").textContent.replace(/\s+/g, " ").trim();
  var auth = { Authorization: "Bearer " + token };
  // Wait a few seconds for the card; if others' drafts are ahead, show the place in line and ask again.
  var follow = function (result) {
    if (result.status !== 202 && !(result.status === 200 && result.answer.state !== "done")) return result;
    showInSlot(waitingPanel(result.answer.place));
    return new Promise(function (resolve) { setTimeout(resolve, 2000); })
      .then(function () { return fetch(result.answer.url, { headers: auth }); })
      .then(asResult)
      .then(function (next) {
        if (next.status === 200 && next.answer.state === "done") return { status: next.answer.status, answer: next.answer };
        return follow(next);
      });
  };
  fetch("/api/drafts", { method: "POST", headers: Object.assign({ Prefer: "respond-async, wait=5" }, auth), body: data })
    .then(asResult)
    .then(follow)
    .then(function (result) {
      if (result.status === 201 || (result.status === 422 && result.answer.findings)) {
        showInSlot(renderCard(heading, result.answer, result.status === 201));
        if (result.status === 201) return refreshSection(section);
      } else {
        showInSlot(refusal(result.answer.message || "the draft could not be sent (HTTP " + result.status + ")"));
      }
    })
    .catch(function () { showInSlot(refusal("the draft could not be sent: check the connection and try again")); })
    .finally(function () {
      var live = document.querySelector("#s-" + section + " form.upload");
      if (live) busy(live, false);
    });
});

// Drag and drop onto an upload field (delegated, so refreshed sections keep it).
["dragenter", "dragover"].forEach(function (name) {
  document.addEventListener(name, function (event) {
    var zone = event.target.closest && event.target.closest(".drop");
    if (!zone) return;
    event.preventDefault();
    zone.classList.add("over");
  });
});
document.addEventListener("dragleave", function (event) {
  var zone = event.target.closest && event.target.closest(".drop");
  if (zone) zone.classList.remove("over");
});
document.addEventListener("drop", function (event) {
  var zone = event.target.closest && event.target.closest(".drop");
  if (!zone) return;
  event.preventDefault();
  zone.classList.remove("over");
  if (!event.dataTransfer || !event.dataTransfer.files.length) return;
  zone.querySelector("input[type=file]").files = event.dataTransfer.files;
  zone.closest("form").requestSubmit();
});
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches(".drop input[type=file]") || !input.files.length) return;
  input.closest(".drop").querySelector(".drop-title").textContent = input.files[0].name;
});

var card = document.getElementById("report-card");
if (card) card.focus();

// The editors' page: follow a running build through GET /api/build.
var progress = document.getElementById("progress");
if (progress && progress.dataset.state === "running") {
  var poll = function () {
    fetch("/api/build", { headers: { Authorization: "Bearer " + token } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        document.getElementById("build-state").textContent = job.state;
        var log = document.getElementById("build-log");
        log.textContent = "";
        job.progress.forEach(function (line) { log.appendChild(el("li", "", line)); });
        if (job.state === "running") setTimeout(poll, 1000); else location.reload();
      });
  };
  setTimeout(poll, 1000);
}
