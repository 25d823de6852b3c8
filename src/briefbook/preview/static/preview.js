// The preview viewer: follows /events and shows the newest pages, or the newest error above
// the last good pages. All text from the book is set as textContent, never as HTML.
"use strict";
(function () {
  const pages = document.getElementById("pages");
  const status = document.getElementById("status");
  const error = document.getElementById("error");

  function show(state) {
    document.body.dataset.version = state.version;
    error.hidden = !state.error;
    error.textContent = state.error || "";
    pages.classList.toggle("stale", !!state.error);
    status.classList.toggle("stale", !!state.error);
    status.textContent = (state.error ? "showing the last good pages · " : "") + state.pages +
      " pages · update " + state.version + " · " + state.seconds.toFixed(2) + " s" +
      (state.detail ? " · " + state.detail : "");
    const figures = state.images.map(function (image, i) {
      const figure = document.createElement("figure");
      figure.className = "page";
      figure.id = "page-" + (i + 1);
      const img = document.createElement("img");
      img.src = image.url;
      img.width = image.width;
      img.height = image.height;
      img.alt = "page " + (i + 1);
      const text = document.createElement("div");
      text.className = "page-text";
      text.textContent = image.text;
      figure.append(img, text);
      return figure;
    });
    pages.replaceChildren.apply(pages, figures);
    document.body.dataset.ready = "1";
  }

  const source = new EventSource("/events");
  source.addEventListener("update", function (event) { show(JSON.parse(event.data)); });
  source.onerror = function () {
    // CLOSED: the server refused the stream (503: too many preview tabs) or is gone; a
    // browser does not retry then, so say what to do.
    status.textContent = source.readyState === EventSource.CLOSED
      ? "not updating: too many preview tabs are open, or the preview stopped; close other tabs and reload"
      : "reconnecting…";
  };
})();
