/* Clés d'accès (WebAuthn) : enregistrement et utilisation.
   Chaque formulaire marqué data-passkey="register" ou "authenticate" demande ses options au
   serveur (data-options-url), appelle le navigateur, puis envoie la réponse dans le champ
   caché « credential ». Aucun script en ligne : la politique CSP reste script-src 'self'. */
(function () {
  "use strict";

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var index = 0; index < binary.length; index += 1) {
      bytes[index] = binary.charCodeAt(index);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var index = 0; index < bytes.length; index += 1) {
      binary += String.fromCharCode(bytes[index]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    (options.excludeCredentials || []).forEach(function (credential) {
      credential.id = toBytes(credential.id);
    });
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    (options.allowCredentials || []).forEach(function (credential) {
      credential.id = toBytes(credential.id);
    });
    return options;
  }

  function credentialJson(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) }
    };
    if (credential.authenticatorAttachment) {
      json.authenticatorAttachment = credential.authenticatorAttachment;
    }
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      if (typeof response.getTransports === "function") {
        json.response.transports = response.getTransports();
      }
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) {
        json.response.userHandle = toBase64url(response.userHandle);
      }
    }
    return json;
  }

  function say(form, message) {
    var status = form.querySelector("[data-passkey-status]");
    if (status) {
      status.textContent = message;
    }
  }

  function run(form, button) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var register = form.getAttribute("data-passkey") === "register";
    button.disabled = true;
    say(form, "Suivez les indications de votre appareil…");
    fetch(form.getAttribute("data-options-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("options " + response.status);
        }
        return response.json();
      })
      .then(function (options) {
        return register
          ? navigator.credentials.create({ publicKey: creationOptions(options) })
          : navigator.credentials.get({ publicKey: requestOptions(options) });
      })
      .then(function (credential) {
        form.querySelector("input[name=credential]").value = JSON.stringify(credentialJson(credential));
        say(form, "Vérification…");
        form.submit();
      })
      .catch(function () {
        button.disabled = false;
        say(form, "La clé d'accès n'a pas répondu ou l'opération a été annulée. Réessayez, ou utilisez un code.");
      });
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    var button = form.querySelector("button[type=submit]");
    if (!window.PublicKeyCredential || !navigator.credentials) {
      button.disabled = true;
      say(form, "Ce navigateur ne permet pas d'utiliser une clé d'accès.");
      return;
    }
    form.addEventListener("submit", function (event) {
      if (!form.querySelector("input[name=credential]").value) {
        event.preventDefault();
        run(form, button);
      }
    });
  });
})();
