// Camera scanning of participant cards with the locally vendored jsQR (no external service).
// Progressive enhancement: without a camera API the section stays hidden and the typed-code form
// remains. A recognised code is put into the form's field and the form is submitted; the server
// accepts only the token (a scanned address gives its last path segment).
(function () {
  "use strict";
  var section = document.querySelector("[data-scanner]");
  if (!section || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof jsQR !== "function") {
    return;
  }
  var field = document.getElementById(section.dataset.field);
  var form = document.querySelector("[data-scanner-form]");
  var video = section.querySelector("[data-scanner-video]");
  var canvas = section.querySelector("[data-scanner-canvas]");
  var status = section.querySelector("[data-scanner-status]");
  var start = section.querySelector("[data-scanner-start]");
  var stop = section.querySelector("[data-scanner-stop]");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var done = false;

  section.hidden = false;

  function say(text) {
    status.textContent = text;
  }

  function halt() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  function tick() {
    if (!stream || done) {
      return;
    }
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        done = true;
        say(section.dataset.textFound);
        field.value = code.data;
        halt();
        form.submit();
        return;
      }
    }
    window.requestAnimationFrame(tick);
  }

  start.addEventListener("click", function () {
    say(section.dataset.textStarting);
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        start.hidden = true;
        stop.hidden = false;
        return video.play();
      })
      .then(function () {
        say(section.dataset.textRunning);
        window.requestAnimationFrame(tick);
      })
      .catch(function () {
        halt();
        say(section.dataset.textFailed);
      });
  });
  stop.addEventListener("click", halt);
  window.addEventListener("pagehide", halt);
})();
