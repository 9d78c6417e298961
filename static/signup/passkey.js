// The passkey step after confirmation. Without this script, or in a browser without WebAuthn, the page offers only
// "Continue". With it: ask the server for the creation options, run the browser's passkey dialog and post the new
// credential back. No dependencies, no inline code; only same-origin requests (CSP connect-src 'self'). The server
// keeps the sign-in's tokens: all that crosses is the options and the credential, neither of them a secret.
(function () {
  "use strict";

  var step = document.getElementById("passkey-step");
  var createButton = document.getElementById("passkey-create");
  var status = document.getElementById("passkey-status");
  var skipForm = document.getElementById("passkey-skip-form");
  var skipButton = document.getElementById("passkey-skip");
  if (!step || !createButton || !status || !skipForm || !skipButton) {
    return;
  }
  if (!window.PublicKeyCredential || !window.fetch || !navigator.credentials || !navigator.credentials.create) {
    return; // no WebAuthn here: the page keeps its plain "Continue"
  }

  // --- base64url <-> ArrayBuffer (for browsers without parseCreationOptionsFromJSON / toJSON) -------------------
  function toBuffer(text) {
    var base64 = String(text).replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = window.atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function copy(source, changes) {
    var result = {};
    Object.keys(source).forEach(function (key) { result[key] = source[key]; });
    Object.keys(changes).forEach(function (key) { result[key] = changes[key]; });
    return result;
  }

  function creationOptions(json) {
    if (typeof window.PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
      return window.PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    var changes = { challenge: toBuffer(json.challenge), user: copy(json.user, { id: toBuffer(json.user.id) }) };
    if (json.excludeCredentials) {
      changes.excludeCredentials = json.excludeCredentials.map(function (descriptor) {
        return copy(descriptor, { id: toBuffer(descriptor.id) });
      });
    }
    return copy(json, changes);
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") {
      return credential.toJSON();
    }
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: {
        clientDataJSON: toText(response.clientDataJSON),
        attestationObject: toText(response.attestationObject),
        transports: response.getTransports ? response.getTransports() : []
      }
    };
    if (credential.authenticatorAttachment) {
      json.authenticatorAttachment = credential.authenticatorAttachment;
    }
    return json;
  }

  // --- Talking to the portal ------------------------------------------------------------------------------------
  function csrfToken() {
    var input = skipForm.querySelector("input[name='csrfmiddlewaretoken']");
    if (input && input.value) {
      return input.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)(?:__Host-)?csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function ServerError(data) {
    this.name = "ServerError";
    this.message = (data && typeof data.message === "string") ? data.message : "";
    this.retry = !data || data.retry !== false;
  }

  function post(url, body) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok || !data || data.ok !== true) {
          throw new ServerError(data);
        }
        return data;
      });
    });
  }

  // --- The page -------------------------------------------------------------------------------------------------
  var busy = false;

  function say(text, kind) {
    status.textContent = text || "";
    status.classList.toggle("is-error", kind === "error");
    status.classList.toggle("is-success", kind === "success");
  }

  function offerEnds() {
    // Nothing left to try: only "Continue" remains, and the focus goes with it rather than to the page's top.
    var hadFocus = document.activeElement === createButton;
    createButton.hidden = true;
    skipButton.classList.remove("is-offering");
    if (hadFocus) {
      skipButton.focus();
    }
  }

  function sameOriginPath(next) {
    return typeof next === "string" && next.charAt(0) === "/" && next.charAt(1) !== "/" && next.charAt(1) !== "\\";
  }

  function succeeded(data) {
    say(data.message, "success");
    offerEnds();
    window.setTimeout(function () {
      if (sameOriginPath(data.next)) {
        window.location.assign(data.next);
      } else {
        skipForm.submit(); // ends the step on the server and goes to the done page
      }
    }, 600);
  }

  function failed(error) {
    var name = error && error.name;
    var texts = step.dataset;
    if (name === "NotAllowedError" || name === "AbortError") {
      say(texts.textNotAllowed, "error"); // cancelled or timed out: trying again may work
    } else if (name === "InvalidStateError") {
      say(texts.textInvalidState, "error");
      offerEnds();
    } else if (name === "NotSupportedError") {
      say(texts.textUnsupported, "error");
      offerEnds();
    } else if (name === "SecurityError") {
      say(texts.textUnavailable, "error"); // this address is not on the passkey domain: trying again cannot help
      offerEnds();
    } else if (name === "ServerError") {
      say(error.message || texts.textFailed, "error");
      if (!error.retry) {
        offerEnds();
      }
    } else {
      say(texts.textFailed, "error");
    }
  }

  function create() {
    if (busy) {
      return;
    }
    busy = true;
    createButton.setAttribute("aria-disabled", "true");
    say(step.dataset.textWorking);
    post(step.dataset.optionsUrl)
      .then(function (data) {
        return navigator.credentials.create({ publicKey: creationOptions(data.options) });
      })
      .then(function (credential) {
        if (!credential) {
          var none = new Error("no credential");
          none.name = "NotAllowedError";
          throw none;
        }
        return post(step.dataset.registerUrl, { credential: credentialJSON(credential) });
      })
      .then(succeeded, failed)
      .then(function () {
        busy = false;
        createButton.removeAttribute("aria-disabled");
      });
  }

  createButton.addEventListener("click", create);
  step.hidden = false;
  skipButton.classList.add("is-offering"); // its text becomes "Not now"
})();
