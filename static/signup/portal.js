// Progressive enhancement only: every page works without this script. No dependencies, no inline code
// (the Content-Security-Policy allows scripts from this origin and Cognito's risk script only).
(function () {
  "use strict";

  // --- Risk data ------------------------------------------------------------------------------------------------
  // Cognito's script (loaded async when enabled) needs the username, so ask it for data when a form is submitted.
  // A blocked, missing or failing script never stops the submission: the server counts the absence.
  // The code step's pages do not print the username (they show Cognito's masked destination and nothing else), so
  // the username typed on the sign-up or resume form is kept for this tab only (sessionStorage) until then.
  var USERNAME_KEY = "portal.signup.username";

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // storage switched off: risk data then goes without the username
    }
  }

  function collectRiskData(form) {
    var target = form.querySelector("input[name='encoded_data']");
    var usernameInput = form.querySelector("input[name='username']");
    var store = storage();
    if (usernameInput && store) {
      try {
        store.setItem(USERNAME_KEY, usernameInput.value);
      } catch (error) {
        // quota or privacy mode: nothing to keep
      }
    }
    var collector = window.AmazonCognitoAdvancedSecurityData;
    if (!target || !collector || typeof collector.getData !== "function") {
      return;
    }
    var username = usernameInput ? usernameInput.value : (store && store.getItem(USERNAME_KEY)) || "";
    try {
      var data = collector.getData(username, form.dataset.userPoolId, form.dataset.clientId);
      if (typeof data === "string") {
        target.value = data;
      }
    } catch (error) {
      target.value = "";
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-risk-data]"), function (form) {
    form.addEventListener("submit", function () {
      collectRiskData(form);
    });
  });
  var restart = document.getElementById("restart-form");
  if (restart) {
    restart.addEventListener("submit", function () {
      var store = storage();
      if (store) {
        store.removeItem(USERNAME_KEY);
      }
    });
  }

  // --- Error summary --------------------------------------------------------------------------------------------
  // Focus it so keyboard and screen-reader users hear what went wrong first; its links lead to the fields.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      var field = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      }
    });
  }

  // --- Password checklist ---------------------------------------------------------------------------------------
  // The server renders the rules; this marks each one met or not while the user types. Screen readers hear a
  // polite summary once the user pauses, not one announcement per keystroke.
  var SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";
  var CHECKS = {
    min_length: function (value, list) {
      return Array.from(value).length >= parseInt(list.dataset.minLength || "0", 10);
    },
    uppercase: function (value) { return /[A-Z]/.test(value); },
    lowercase: function (value) { return /[a-z]/.test(value); },
    number: function (value) { return /[0-9]/.test(value); },
    symbol: function (value) {
      for (var i = 0; i < value.length; i += 1) {
        if (SYMBOLS.indexOf(value.charAt(i)) !== -1) {
          return true;
        }
      }
      return /^.+ .+$/.test(value);
    }
  };

  var rulesList = document.getElementById("password-rules");
  var passwordInput = document.getElementById("id_password");
  var rulesStatus = document.getElementById("password-rules-status");
  if (rulesList && passwordInput) {
    var announceTimer = null;
    var lastAnnounced = "";
    var update = function (announce) {
      // Rules checked only on the server (common passwords) are listed but never ticked here.
      var rules = rulesList.querySelectorAll("[data-rule]:not([data-live='false'])");
      var met = 0;
      Array.prototype.forEach.call(rules, function (rule) {
        var check = CHECKS[rule.dataset.rule];
        var ok = check ? check(passwordInput.value, rulesList) : false;
        met += ok ? 1 : 0;
        rule.classList.toggle("is-met", ok);
        var state = rule.querySelector(".password-rule__state");
        if (state) {
          state.textContent = " (" + (ok ? rulesList.dataset.metText : rulesList.dataset.unmetText) + ")";
        }
      });
      if (!rulesStatus || !announce) {
        return;
      }
      window.clearTimeout(announceTimer);
      announceTimer = window.setTimeout(function () {
        var text = met === rules.length
          ? rulesStatus.dataset.allText
          : rulesStatus.dataset.someText.replace("{met}", String(met)).replace("{total}", String(rules.length));
        if (passwordInput.value && text !== lastAnnounced) {
          rulesStatus.textContent = text;
          lastAnnounced = text;
        }
      }, 1200);
    };
    passwordInput.addEventListener("input", function () { update(true); });
    rulesList.classList.add("is-live");
    update(false);
  }

  // --- Show / hide password -------------------------------------------------------------------------------------
  // Created here, so people without JavaScript never see a button that does nothing.
  Array.prototype.forEach.call(document.querySelectorAll("[data-password-toggle]"), function (slot) {
    var input = document.getElementById(slot.dataset.passwordToggle);
    if (!input) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small button--secondary password-toggle";
    button.setAttribute("aria-controls", input.id);
    button.textContent = slot.dataset.showText;
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.textContent = show ? slot.dataset.hideText : slot.dataset.showText;
    });
    slot.appendChild(button);
    if (input.form) {
      // Never submit (or let the browser remember) the password as plain text.
      input.form.addEventListener("submit", function () {
        input.type = "password";
        button.textContent = slot.dataset.showText;
      });
    }
  });

  // --- Resend countdown -----------------------------------------------------------------------------------------
  // The server disables the button until the cooldown ends; this only keeps the text current.
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
