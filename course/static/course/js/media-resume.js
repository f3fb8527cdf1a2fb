/* Resume for audio and video blocks (lessons/blocks/media.html): start where the student left
   off, offer "Start over", and report the position every 15 s while playing, on pause and when
   the page is left. The server records at most one report every few seconds per block. */
(function () {
  "use strict";

  function clock(seconds) {
    var whole = Math.floor(seconds);
    var minutes = Math.floor(whole / 60);
    var rest = whole % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function setUp(figure) {
    var media = figure.querySelector("video, audio");
    var url = figure.getAttribute("data-position-url");
    var token = figure.getAttribute("data-csrf-token");
    var resumeAt = parseFloat(figure.getAttribute("data-resume-at") || "0");
    var lastSentAt = 0;
    var lastPosition = -1;

    function report(leaving) {
      var position = media.currentTime;
      if (!isFinite(position) || Math.abs(position - lastPosition) < 0.5) return;
      if (!leaving && Date.now() - lastSentAt < 5000) return;
      var body = new FormData();
      body.append("position", position.toFixed(1));
      body.append("csrfmiddlewaretoken", token);
      lastPosition = position;
      lastSentAt = Date.now();
      if (leaving && navigator.sendBeacon) {
        navigator.sendBeacon(url, body);
      } else {
        fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true }).catch(function () {});
      }
    }

    if (resumeAt > 1) {
      var bar = figure.querySelector(".media-player__resume");
      var seek = function () {
        if (!isFinite(media.duration) || resumeAt < media.duration - 1) media.currentTime = resumeAt;
      };
      if (media.readyState >= 1) seek(); else media.addEventListener("loadedmetadata", seek, { once: true });
      if (bar) {
        bar.querySelector(".media-player__resume-time").textContent = clock(resumeAt);
        bar.hidden = false;
        bar.querySelector("button").addEventListener("click", function () {
          media.currentTime = 0;
          bar.hidden = true;
          media.focus();
        });
      }
    }

    window.setInterval(function () { if (!media.paused) report(false); }, 15000);
    media.addEventListener("pause", function () { report(false); });
    window.addEventListener("pagehide", function () { report(true); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") report(true);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-position-url]"), setUp);
})();
