// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";

  // Risk data: Cognito's script needs the username, so collect it when the form is submitted.
  var signupForm = document.getElementById("signup-form");
  if (signupForm) {
    signupForm.addEventListener("submit", function () {
      var target = signupForm.querySelector("input[name='encoded_data']");
      var username = signupForm.querySelector("input[name='username']");
      var collector = window.AmazonCognitoAdvancedSecurityData;
      if (!target || !collector || typeof collector.getData !== "function") {
        return;
      }
      try {
        var data = collector.getData(username ? username.value : "", signupForm.dataset.userPoolId, signupForm.dataset.clientId);
        if (typeof data === "string") {
          target.value = data;
        }
      } catch (error) {
        // Never block a sign-up because the risk script failed; the server records the absence.
      }
    });
  }

  // Focus the error summary so keyboard and screen-reader users hear what went wrong first.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  // Resend countdown: the server disables the button until the cooldown ends; this only keeps the text current.
  var resend = document.getElementById("resend-button");
  var waitText = document.getElementById("resend-wait");
  if (resend && waitText) {
    var remaining = parseInt(resend.dataset.wait || "0", 10);
    if (remaining > 0) {
      var timer = window.setInterval(function () {
        remaining -= 1;
        if (remaining <= 0) {
          window.clearInterval(timer);
          resend.disabled = false;
          resend.removeAttribute("aria-describedby");
          waitText.textContent = waitText.dataset.ready || "";
        } else if (remaining % 10 === 0 || remaining <= 5) {
          // Announce sparingly: a politely announced update every second would drown everything else out.
          var template = remaining === 1 ? waitText.dataset.one : waitText.dataset.other;
          waitText.textContent = template
            ? template.replace("{seconds}", String(remaining))
            : waitText.textContent.replace(/\d+/, String(remaining));
        }
      }, 1000);
    }
  }
})();
