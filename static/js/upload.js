// Evidence upload widget ({% evidence_uploader %}): several files, drag-and-drop, camera, per-file
// title/description and progress, resumable chunked upload (docs/evidence.md, "Upload protocol").
// A dropped connection is retried with back-off from the offset the server holds; a file chosen
// again after a reload resumes (its upload id is kept in localStorage, keyed by place, name, size
// and lastModified). After each upload: `evidence:uploaded` on document.body, and every
// [data-evidence-list] is refreshed through htmx. No inline script (CSP).
(function () {
  "use strict";
  if (window.smEvidenceUpload) { return; }
  window.smEvidenceUpload = true;

  var MAX_ATTEMPTS = 30;
  var loginMessage = "";

  function fmtSize(n) {
    if (n >= 1073741824) { return (n / 1073741824).toFixed(1) + " GB"; }
    if (n >= 1048576) { return (n / 1048576).toFixed(1) + " MB"; }
    if (n >= 1024) { return (n / 1024).toFixed(1) + " KB"; }
    return n + " B";
  }

  function storeKey(widget, file) {
    return "sm-upload:" + widget.dataset.place + ":" + file.name + ":" + file.size + ":" + (file.lastModified || 0);
  }

  function remember(key, id) { try { window.localStorage.setItem(key, id); } catch (e) { /* private mode */ } }
  function recall(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function forget(key) { try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ } }

  // One request; resolves {status, data} (data: parsed JSON or {}), rejects on network failure.
  function request(method, url, csrf, body, headers, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url, true);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      Object.keys(headers || {}).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
      if (onProgress && xhr.upload) {
        xhr.upload.addEventListener("progress", function (ev) { onProgress(ev.loaded); });
      }
      xhr.onload = function () {
        var data = {};
        var type = xhr.getResponseHeader("Content-Type") || "";
        if (xhr.status === 200 && type.indexOf("application/json") === -1) {
          // redirected to the login page: the session has ended
          resolve({ status: 401, data: { error: loginMessage } });
          return;
        }
        try { data = JSON.parse(xhr.responseText || "{}"); } catch (e) { data = {}; }
        resolve({ status: xhr.status, data: data });
      };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.ontimeout = function () { reject(new Error("network")); };
      xhr.timeout = 120000;
      xhr.send(body === undefined ? null : body);
    });
  }

  function sleep(ms) { return new Promise(function (r) { window.setTimeout(r, ms); }); }

  // Reload one list partial. A refresh that fails (a dropped connection, a busy server) is retried
  // a few times; when uploads finish close together, an older answer never replaces a newer one.
  function loadList(el, url, attempt) {
    var seq = (el.smListSeq = (el.smListSeq || 0) + 1);
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("HX-Request", "true");
    function retry() {
      if (attempt < 4 && seq === el.smListSeq) {
        window.setTimeout(function () { loadList(el, url, attempt + 1); }, 400 * (attempt + 1));
      }
    }
    xhr.onload = function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        if (seq !== el.smListSeq) { return; }
        el.innerHTML = xhr.responseText;
        if (window.htmx) { window.htmx.process(el); }
        syncHeading(el);
      } else if (xhr.status >= 500 || xhr.status === 0) {
        retry();
      }
    };
    xhr.onerror = retry;
    xhr.send();
  }

  // A list whose refreshed partial carries its heading (佐证材料（N）) updates the heading of its
  // section, so the count follows the upload without a reload.
  function syncHeading(el) {
    var fresh = el.querySelector("[data-evidence-heading]");
    var section = el.closest("section");
    var target = section ? section.querySelector("[data-evidence-heading-target]") : null;
    if (fresh && target) { target.textContent = fresh.textContent.trim(); }
  }

  function refreshLists(detail) {
    document.body.dispatchEvent(new CustomEvent("evidence:uploaded", { detail: detail, bubbles: true }));
    document.querySelectorAll("[data-evidence-list]").forEach(function (el) {
      if (window.htmx && (el.hasAttribute("hx-get") || el.hasAttribute("data-hx-get"))) {
        window.htmx.trigger(el, "evidence:refresh");
      } else if (el.getAttribute("data-evidence-list")) {
        loadList(el, el.getAttribute("data-evidence-list"), 0);
      }
    });
  }

  function Widget(root) {
    this.root = root;
    this.csrf = root.dataset.csrf;
    this.msgs = root.querySelector("[data-messages]").dataset;
    loginMessage = this.msgs.msgLogin;
    this.queue = root.querySelector("[data-upload-queue]");
    this.actions = root.querySelector("[data-upload-actions]");
    this.template = root.querySelector("[data-row-template]");
    this.rows = [];
    this.running = false;
    var self = this;
    root.querySelectorAll("[data-file-input]").forEach(function (input) {
      input.addEventListener("change", function () {
        self.add(input.files);
        input.value = "";
      });
    });
    var zone = root.querySelector("[data-dropzone]");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (ev) { ev.preventDefault(); zone.classList.add("border-primary"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("border-primary"); });
    });
    zone.addEventListener("drop", function (ev) {
      ev.preventDefault();
      if (ev.dataTransfer && ev.dataTransfer.files) { self.add(ev.dataTransfer.files); }
    });
    root.querySelector("[data-upload-all]").addEventListener("click", function () { self.runAll(); });
  }

  Widget.prototype.add = function (files) {
    var self = this;
    Array.prototype.forEach.call(files || [], function (file) {
      var node = self.template.content.firstElementChild.cloneNode(true);
      var row = { file: file, node: node, state: "waiting", session: null };
      node.querySelector("[data-file-name]").textContent = file.name;
      node.querySelector("[data-file-size]").textContent = fmtSize(file.size);
      node.querySelector("[data-title-input]").value = file.name.replace(/\.[^.]*$/, "").slice(0, 200);
      node.querySelector("[data-remove]").addEventListener("click", function () { self.remove(row); });
      node.querySelector("[data-retry]").addEventListener("click", function () {
        row.state = "waiting";
        node.querySelector("[data-retry]").classList.add("d-none");
        self.runAll();
      });
      self.setStatus(row, self.msgs.msgWaiting, "");
      self.queue.appendChild(node);
      self.rows.push(row);
    });
    this.actions.classList.toggle("d-none", !this.rows.some(function (r) { return r.state === "waiting"; }));
  };

  Widget.prototype.remove = function (row) {
    if (row.state === "uploading") {
      row.cancelled = true;
      if (row.session) { request("DELETE", row.session.url, this.csrf).catch(function () {}); }
      forget(storeKey(this.root, row.file));
    }
    row.node.remove();
    this.rows = this.rows.filter(function (r) { return r !== row; });
  };

  Widget.prototype.setStatus = function (row, text, cls) {
    var el = row.node.querySelector("[data-status]");
    el.textContent = text;
    el.className = "small " + (cls || "");
  };

  Widget.prototype.setProgress = function (row, done) {
    var pct = row.file.size ? Math.min(100, Math.floor((done * 100) / row.file.size)) : 100;
    var bar = row.node.querySelector("[data-progress]");
    bar.value = pct;
    bar.textContent = pct + "%";
    bar.setAttribute("aria-valuenow", String(pct));
  };

  Widget.prototype.runAll = function () {
    var self = this;
    if (this.running) { return; }
    this.running = true;
    this.actions.classList.add("d-none");
    var next = function () {
      var row = self.rows.filter(function (r) { return r.state === "waiting"; })[0];
      if (!row) { self.running = false; return Promise.resolve(); }
      return self.upload(row).then(next, next);
    };
    next();
  };

  Widget.prototype.fail = function (row, message) {
    row.state = "failed";
    this.setStatus(row, message || this.msgs.msgFailed, "text-danger");
    row.node.querySelector("[data-retry]").classList.remove("d-none");
    row.node.classList.add("border-danger");
  };

  // Create a session, or pick up the one remembered for this file.
  Widget.prototype.session = function (row) {
    var self = this;
    var key = storeKey(this.root, row.file);
    var known = recall(key);
    var tries = 0;
    var fresh = function () {
      var form = new FormData();
      var d = self.root.dataset;
      form.append("campaign", d.campaign);
      form.append("org", d.org);
      form.append("item", d.item || "");
      form.append("indicator", d.indicator || "");
      form.append("event", d.event || "");
      form.append("hazard", d.hazard || "");
      form.append("phase", d.phase || "");
      form.append("title", row.node.querySelector("[data-title-input]").value);
      form.append("description", row.node.querySelector("[data-description-input]").value);
      form.append("name", row.file.name);
      form.append("size", String(row.file.size));
      // the server busy or the network gone: try again with back-off (a few times)
      var again = function (message) {
        tries += 1;
        if (tries > 5) { throw { message: message, final: true }; }
        self.setStatus(row, self.msgs.msgRetrying, "text-warning-emphasis");
        return sleep(1000 * Math.pow(2, tries - 1)).then(fresh);
      };
      return request("POST", d.startUrl, self.csrf, form).then(function (res) {
        if (res.status >= 500) { return again(self.msgs.msgFailed); }
        if (res.status !== 201) { throw { message: res.data.error || self.msgs.msgFailed, final: true }; }
        remember(key, JSON.stringify({ url: res.data.url, finish_url: res.data.finish_url }));
        return res.data;
      }, function () { return again(self.msgs.msgNetwork); });
    };
    if (!known) { return fresh(); }
    var saved;
    try { saved = JSON.parse(known); } catch (e) { forget(key); return fresh(); }
    return request("GET", saved.url, this.csrf).then(function (res) {
      if (res.status === 200 && res.data.status === "receiving") {
        self.setStatus(row, self.msgs.msgResumed, "text-info");
        return res.data;
      }
      forget(key);
      return fresh();
    }, function () { return fresh(); });
  };

  Widget.prototype.upload = function (row) {
    var self = this;
    var file = row.file;
    var key = storeKey(this.root, file);
    var attempts = 0;
    row.state = "uploading";
    row.node.classList.remove("border-danger");
    row.node.querySelectorAll("input").forEach(function (i) { i.disabled = true; });
    this.setStatus(row, this.msgs.msgUploading, "");

    function backoff() {
      attempts += 1;
      if (attempts > MAX_ATTEMPTS) { throw { message: self.msgs.msgNetwork, final: true }; }
      self.setStatus(row, self.msgs.msgRetrying, "text-warning-emphasis");
      return sleep(Math.min(30000, 1000 * Math.pow(2, Math.min(attempts - 1, 5))));
    }

    // Ask the server where it stands (after a failure), with back-off while offline.
    function where() {
      return request("GET", row.session.url, self.csrf).then(function (res) {
        if (res.status !== 200) { throw { message: res.data.error || self.msgs.msgFailed, final: true }; }
        return res.data.offset;
      }, function () { return backoff().then(where); });
    }

    function send(offset) {
      if (row.cancelled) { return Promise.resolve(); }
      if (offset >= file.size) { return finish(); }
      var size = row.session.chunk_size || 4194304;
      var blob = file.slice(offset, Math.min(file.size, offset + size));
      return request("PUT", row.session.url, self.csrf, blob, {
        "Upload-Offset": String(offset),
        "Content-Type": "application/octet-stream"
      }, function (loaded) { self.setProgress(row, offset + loaded); }).then(function (res) {
        if (res.status === 200) {
          attempts = 0;
          self.setStatus(row, self.msgs.msgUploading, "");
          self.setProgress(row, res.data.offset);
          return send(res.data.offset);
        }
        if (res.status === 409 && (res.data.code === "offset" || res.data.code === "busy")) {
          return backoff().then(function () { return send(res.data.offset); });
        }
        if (res.status >= 500 || res.status === 0) { return backoff().then(where).then(send); }
        throw { message: res.data.error || self.msgs.msgFailed, final: true };
      }, function () { return backoff().then(where).then(send); });
    }

    function finish() {
      self.setStatus(row, self.msgs.msgChecking, "");
      return request("POST", row.session.finish_url, self.csrf).then(function (res) {
        if (res.status === 201 || res.status === 200) {
          forget(key);
          row.state = "done";
          self.setProgress(row, file.size);
          self.setStatus(row, res.data.message, res.data.duplicate ? "text-info" : "text-success");
          row.node.classList.add("border-success");
          refreshLists(res.data);
          return;
        }
        if (res.status >= 500) { return backoff().then(finish); }
        if (res.status === 409 && res.data.code === "busy") { return backoff().then(finish); }
        if (res.status === 409 && res.data.code === "incomplete") { return where().then(send); }
        forget(key);
        throw { message: res.data.error || self.msgs.msgFailed, final: true };
      }, function () { return backoff().then(finish); });
    }

    return this.session(row).then(function (session) {
      row.session = session;
      self.setProgress(row, session.offset || 0);
      return send(session.offset || 0);
    }).catch(function (err) {
      row.node.querySelectorAll("input").forEach(function (i) { i.disabled = false; });
      self.fail(row, err && err.message);
    });
  };

  function init() {
    document.querySelectorAll("[data-evidence-uploader]").forEach(function (root) {
      if (!root.smWidget) { root.smWidget = new Widget(root); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  document.addEventListener("htmx:load", init);
})();
