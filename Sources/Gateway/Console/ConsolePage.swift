/// The web console at `/_cloudcafe/console`: one page, its style and script inline, built
/// into the binary (no build step, nothing fetched from another host). It reads the admin
/// API; under `--strict-auth` it takes the token from the URL (`#token=…`).
enum ConsolePage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>CloudCafe console</title>
        <style>
        :root { --bg: #f6f4f0; --panel: #fff; --ink: #222; --muted: #6b6b6b; --line: #e2ddd5; --accent: #7a4a21; --ok: #2e7d32; --bad: #c62828; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        header { position: sticky; top: 0; z-index: 2; background: var(--accent); color: #fff; padding: 10px 16px; display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; }
        header h1 { font-size: 17px; margin: 0; font-weight: 600; }
        header .clock { font: 600 16px ui-monospace, SFMono-Regular, Menlo, monospace; }
        header .rate { opacity: .85; }
        header form { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
        header select, header input, header button { font: inherit; border-radius: 6px; border: 1px solid #ffffff66; padding: 4px 8px; }
        header button { background: #fff; color: var(--accent); border: 0; font-weight: 600; cursor: pointer; }
        #clock-result { flex-basis: 100%; font-size: 13px; opacity: .95; min-height: 1em; }
        main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 14px; padding: 14px; }
        section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; min-width: 0; }
        section h2 { margin: 0 0 8px; font-size: 15px; display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
        section h2 small { color: var(--muted); font-weight: normal; }
        .wide { grid-column: 1 / -1; }
        #timeline { max-height: 60vh; overflow: auto; font: 12.5px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
        .entry { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; padding: 1px 0; border-bottom: 1px dotted var(--line); }
        .entry .t { color: var(--muted); margin-right: 6px; }
        .kind { display: inline-block; min-width: 74px; font-weight: 600; }
        .k-firing, .k-event { color: #6a1b9a; } .k-invocation { color: #1565c0; } .k-call { color: #37474f; }
        .k-message, .k-delivery { color: var(--ok); } .k-retry { color: #ef6c00; } .k-deadletter { color: var(--bad); } .k-batch { color: #00838f; }
        .bad { color: var(--bad); } .ok { color: var(--ok); }
        ul.plain { list-style: none; margin: 0; padding: 0; }
        #emails li { padding: 6px 4px; border-bottom: 1px solid var(--line); cursor: pointer; }
        #emails li:hover, #emails li.open { background: #faf6ef; }
        #emails .meta { color: var(--muted); font-size: 12px; }
        #email-view { margin-top: 10px; border-top: 2px solid var(--line); padding-top: 8px; }
        #email-view table { font-size: 13px; border-collapse: collapse; margin-bottom: 8px; }
        #email-view th { text-align: right; color: var(--muted); font-weight: normal; padding-right: 8px; vertical-align: top; }
        pre { white-space: pre-wrap; word-break: break-word; font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; margin: 0; tab-size: 8; }
        #email-body { background: #fbfaf8; border: 1px solid var(--line); border-radius: 6px; padding: 8px; max-height: 50vh; overflow: auto; white-space: pre; }
        #timeline:empty::before { content: "Nothing has happened yet: move the clock, or call CloudCafe."; color: var(--muted); font-family: system-ui, sans-serif; }
        nav.tabs { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 8px; }
        nav.tabs button { font: inherit; border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 4px 10px; cursor: pointer; }
        nav.tabs button.on { background: var(--accent); color: #fff; border-color: var(--accent); }
        table.grid { width: 100%; border-collapse: collapse; font-size: 12.5px; }
        table.grid th, table.grid td { text-align: left; border-bottom: 1px solid var(--line); padding: 3px 6px; vertical-align: top; word-break: break-word; }
        table.grid th { color: var(--muted); font-weight: 600; }
        .scroll { max-height: 55vh; overflow: auto; }
        #firings li { font-size: 13px; padding: 2px 0; }
        #error { color: #fff; background: var(--bad); padding: 6px 16px; display: none; }
        @media (max-width: 800px) { main { grid-template-columns: 1fr; padding: 8px; } #timeline { max-height: 45vh; } header { padding: 8px 10px; } }
        </style>
        </head>
        <body>
        <header>
          <h1>☕ CloudCafe</h1>
          <span class="clock" id="now">…</span><span class="rate" id="rate"></span>
          <form id="advance-form">
            <select id="step" aria-label="step">
              <option value="1m">1 minute</option><option value="2m" selected>2 minutes</option><option value="10m">10 minutes</option>
              <option value="1h">1 hour</option><option value="1d">1 day</option><option value="next">to the next firing</option>
            </select>
            <button id="advance" type="submit">Advance</button>
          </form>
          <form id="set-form">
            <input id="set-time" type="text" placeholder="2026-11-27T19:59:00Z" aria-label="set the clock to" size="22">
            <button id="set" type="submit">Set</button>
          </form>
          <form id="rate-form">
            <input id="rate-value" type="text" placeholder="rate" aria-label="clock rate" size="6">
            <button id="set-rate" type="submit">Rate</button>
          </form>
          <div id="clock-result"></div>
        </header>
        <div id="error"></div>
        <main>
          <section>
            <h2>Timeline <small id="timeline-count"></small></h2>
            <div id="timeline" aria-live="polite"></div>
          </section>
          <section>
            <h2>Outbox <small id="email-count"></small></h2>
            <ul class="plain" id="emails"></ul>
            <div id="email-view" hidden>
              <table id="email-headers"></table>
              <pre id="email-body"></pre>
            </div>
            <h2 style="margin-top:14px">Next firings</h2>
            <ul class="plain" id="firings"></ul>
          </section>
          <section class="wide">
            <nav class="tabs">
              <button data-tab="logs" class="on">Logs</button><button data-tab="iam">IAM decisions</button><button data-tab="resources">Resources</button>
            </nav>
            <div id="tab-logs">
              <select id="log-function" aria-label="function"></select>
              <div class="scroll"><table class="grid" id="log-lines"></table></div>
            </div>
            <div id="tab-iam" hidden><div class="scroll"><table class="grid" id="iam"></table></div></div>
            <div id="tab-resources" hidden><nav class="tabs" id="resource-services"></nav><div class="scroll" id="resource-view"></div></div>
          </section>
        </main>
        <script>
        "use strict";
        const token = new URLSearchParams(location.hash.slice(1)).get("token");
        const $ = (id) => document.getElementById(id);
        const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
        async function api(path, body) {
          const headers = {"Content-Type": "application/json"};
          if (token) headers.Authorization = "Bearer " + token;
          const r = await fetch("/_cloudcafe" + path, body === undefined ? {headers} : {method: "POST", headers, body: JSON.stringify(body)});
          const text = await r.text();
          let json; try { json = JSON.parse(text); } catch { json = {text}; }
          if (!r.ok) throw new Error(json.message || json.error || ("HTTP " + r.status));
          return json;
        }
        function showError(e) { const el = $("error"); el.textContent = String(e.message || e); el.style.display = "block"; setTimeout(() => el.style.display = "none", 6000); }

        // The clock
        async function refreshClock() {
          const c = await api("/clock");
          $("now").textContent = c.now;
          $("rate").textContent = c.rate === 0 ? "frozen" : (c.rate === 1 ? "real time" : "×" + c.rate);
        }
        function describeMove(r) {
          const n = r.firedCount ?? (r.fired || []).length;
          if (!n) return "nothing fired; now " + r.now;
          const outcome = (f) => f.invocations ? ": " + (f.invocations.map((i) => i["function"] + " " + i.result).join(", ") || "nothing invoked") +
            "; " + f.emails + (f.emails === 1 ? " email" : " emails") : "";
          const shown = (r.fired || []).slice(0, 5).map((f) => f.rule + " at " + f.time + outcome(f)).join(" · ");
          return "fired " + n + ": " + shown + (n > 5 ? ", …" : "") + "; now " + r.now;
        }
        async function move(body) {
          try { const r = await api("/clock", body); $("clock-result").textContent = describeMove(r); await Promise.all([refreshClock(), refreshEmails(), refreshFirings()]); }
          catch (e) { showError(e); }
        }
        $("advance-form").addEventListener("submit", (ev) => { ev.preventDefault(); const step = $("step").value; move(step === "next" ? {toNext: true} : {advance: step}); });
        $("set-form").addEventListener("submit", (ev) => { ev.preventDefault(); if ($("set-time").value) move({set: $("set-time").value.trim()}); });
        $("rate-form").addEventListener("submit", (ev) => { ev.preventDefault(); const r = Number($("rate-value").value); if (!isNaN(r)) move({rate: r}); });

        // The timeline: loaded once, then live from the server-sent stream
        const entries = new Map();
        const depth = (e) => { let d = 0, c = e.cause; while (c && entries.has(c) && d < 12) { d++; c = entries.get(c).cause; } return d; };
        function summary(e) {
          switch (e.kind) {
            case "firing": return e.rule ? "rule " + e.rule + " fired" : "schedule " + e.schedule + " fired";
            case "event": return "event " + e.source + " / " + e.detailType + " → " + (e.rules || []).join(", ");
            case "invocation": return e["function"] + (e.version && e.version !== "$LATEST" ? " v" + e.version : "") +
              (e.result ? " (" + (e.cold ? "cold" : "warm") + ", " + e.durationMs + " ms, " + e.result + ")" : " (running)");
            case "call": return e.service + "." + e.operation + " as " + e.caller.split(":").pop() + ": " + e.decision +
              (e.statement ? " by " + e.statement : "") + (e.error ? " → " + e.error : "");
            case "delivery": return e.skipped ? "not delivered to " + e.protocol + " " + e.endpoint + ": " + e.skipped
              : e.file ? "email to " + e.endpoint + " “" + e.subject + "”: " + e.file : "to " + e.destination + " (" + e.condition + ")";
            case "retry": return e["function"] + " again at " + e.due + " (" + e.reason + ")";
            case "deadletter": return e["function"] + " → " + e.target;
            case "batch": return e.messages + " messages from " + String(e.queue).split(":").pop();
            default: return e.kind;
          }
        }
        function entryNode(e) {
          const div = document.createElement("div");
          const failed = (e.kind === "invocation" && e.result && e.result !== "ok") || (e.kind === "call" && (e.error || e.decision.endsWith("Deny"))) || e.kind === "deadletter" || e.skipped;
          div.className = "entry" + (failed ? " bad" : "");
          div.dataset.kind = e.kind;
          div.dataset.id = e.id;
          div.innerHTML = '<span class="t">' + esc(e.time.slice(0, 19).replace("T", " ")) + '</span><span style="padding-left:' + (depth(e) * 16) +
            'px"><span class="kind k-' + esc(e.kind) + '">' + esc(e.kind) + "</span> " + esc(summary(e)) + "</span>";
          div.title = JSON.stringify(e, null, 1);
          return div;
        }
        function addEntry(e) {
          const known = entries.has(e.id);
          entries.set(e.id, e);
          const box = $("timeline");
          if (known) { const old = box.querySelector('[data-id="' + CSS.escape(e.id) + '"]'); if (old) old.replaceWith(entryNode(e)); return; }
          // Oldest first, each effect under its cause; the view follows new entries while it is at the bottom.
          const following = box.scrollTop + box.clientHeight >= box.scrollHeight - 30;
          box.append(entryNode(e));
          while (box.childElementCount > 600) box.firstElementChild.remove();
          if (following) box.scrollTop = box.scrollHeight;
          $("timeline-count").textContent = entries.size + " entries";
          if (e.kind === "delivery" && e.file) refreshEmails();
        }
        async function loadTimeline() {
          let token_ = "0", all = [];
          do { const page = await api("/timeline?limit=1000&nextToken=" + token_); all = all.concat(page.entries); token_ = page.nextToken; } while (token_);
          for (const e of all.slice(-600)) addEntry(e);
          $("timeline").scrollTop = $("timeline").scrollHeight;
        }
        function stream() {
          const source = new EventSource("/_cloudcafe/timeline/stream" + (token ? "?token=" + encodeURIComponent(token) : ""));
          source.onmessage = (m) => { try { addEntry(JSON.parse(m.data)); } catch (e) { showError(e); } };
        }

        // The outbox
        let openEmail = null;
        async function refreshEmails() {
          const list = await api("/outbox");
          $("email-count").textContent = list.length + " emails";
          const ul = $("emails");
          ul.innerHTML = "";
          for (const m of list.slice().reverse().slice(0, 50)) {
            const li = document.createElement("li");
            li.className = "email" + (m.file === openEmail ? " open" : "");
            li.dataset.file = m.file;
            li.innerHTML = '<div class="subject">' + esc(m.subject) + '</div><div class="meta">to ' + esc(m.to) + " · " + esc(m.time) + "</div>";
            li.addEventListener("click", () => showEmail(m.file));
            ul.append(li);
          }
        }
        async function showEmail(file) {
          try {
            const m = await api("/outbox/" + encodeURIComponent(file) + "?format=json");
            openEmail = file;
            $("email-headers").innerHTML = ["From", "To", "Subject", "Date"].map((h) => "<tr><th>" + h + "</th><td>" + esc(m.headers[h]) + "</td></tr>").join("");
            $("email-body").textContent = m.body;
            $("email-view").hidden = false;
            for (const li of $("emails").children) li.classList.toggle("open", li.dataset.file === file);
          } catch (e) { showError(e); }
        }

        // Next firings, logs, IAM, resources
        let resources = null;
        async function refreshResources() { resources = await api("/resources"); }
        async function refreshFirings() {
          await refreshResources();
          const items = (resources.events.Rules || []).filter((r) => r.NextFiring).map((r) => ["rule " + r.Name, r.NextFiring])
            .concat((resources.scheduler.Schedules || []).filter((s) => s.NextFiring).map((s) => ["schedule " + s.GroupName + "/" + s.Name, s.NextFiring]))
            .sort((a, b) => a[1].localeCompare(b[1]));
          $("firings").innerHTML = items.length ? items.map(([n, t]) => "<li><b>" + esc(t) + "</b> " + esc(n) + "</li>").join("") : "<li>nothing scheduled</li>";
          const select = $("log-function"), current = select.value;
          select.innerHTML = (resources.lambda.Functions || []).map((f) => "<option>" + esc(f.FunctionName) + "</option>").join("");
          if (current) select.value = current;
        }
        async function refreshLogs() {
          const fn = $("log-function").value;
          if (!fn) return;
          try {
            const out = await api("/logs?group=" + encodeURIComponent("/aws/lambda/" + fn));
            $("log-lines").innerHTML = (out.events || []).slice(-300).reverse().map((e) =>
              "<tr><td>" + esc(new Date(e.timestamp).toISOString()) + "</td><td><pre>" + esc(e.message) + "</pre></td></tr>").join("") || "<tr><td>no events yet</td></tr>";
          } catch (e) {
            const none = /does not exist/.test(e.message);
            $("log-lines").innerHTML = "<tr><td>" + esc(none ? fn + " has not run yet." : e.message) + "</td></tr>";
          }
        }
        $("log-function").addEventListener("change", refreshLogs);
        async function refreshIAM() {
          const out = await api("/iam/decisions?limit=100");
          $("iam").innerHTML = "<tr><th>time</th><th>principal</th><th>action</th><th>decision</th><th>why</th></tr>" + (out.decisions || []).slice().reverse().map((d) =>
            "<tr><td>" + esc(d.time) + "</td><td>" + esc(d.principal) + "</td><td>" + esc(d.action) + '</td><td class="' + (d.decision === "allowed" ? "ok" : "bad") + '">' +
            esc(d.decision) + "</td><td>" + esc(d.explanation) + "</td></tr>").join("");
        }
        function table(rows) {
          if (!Array.isArray(rows) || rows.length === 0) return "<p>none</p>";
          const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
          const cell = (v) => esc(typeof v === "object" && v !== null ? JSON.stringify(v) : v);
          return '<table class="grid"><tr>' + keys.map((k) => "<th>" + esc(k) + "</th>").join("") + "</tr>" +
            rows.map((r) => "<tr>" + keys.map((k) => "<td>" + cell(r[k]) + "</td>").join("") + "</tr>").join("") + "</table>";
        }
        function showService(name) {
          for (const b of $("resource-services").children) b.classList.toggle("on", b.dataset.service === name);
          const lists = resources[name] || {};
          $("resource-view").innerHTML = Object.entries(lists).map(([k, v]) => "<h3>" + esc(k) + "</h3>" + table(v)).join("");
        }
        async function refreshResourceTab() {
          await refreshResources();
          const nav = $("resource-services");
          nav.innerHTML = Object.keys(resources).map((s) => '<button data-service="' + esc(s) + '">' + esc(s) + "</button>").join("");
          for (const b of nav.children) b.addEventListener("click", () => showService(b.dataset.service));
          showService(nav.querySelector(".on")?.dataset.service || Object.keys(resources)[0]);
        }
        for (const b of document.querySelectorAll("nav.tabs [data-tab]")) {
          b.addEventListener("click", () => {
            for (const o of document.querySelectorAll("nav.tabs [data-tab]")) { o.classList.toggle("on", o === b); $("tab-" + o.dataset.tab).hidden = o !== b; }
            ({logs: refreshLogs, iam: refreshIAM, resources: refreshResourceTab})[b.dataset.tab]().catch(showError);
          });
        }

        // The first view, with no click: the clock, the latest timeline entries, the latest emails
        (async () => {
          try {
            stream();
            await Promise.all([refreshClock(), loadTimeline(), refreshEmails(), refreshFirings()]);
            await refreshLogs();
            document.body.dataset.ready = "true";
          } catch (e) { showError(e); }
          setInterval(() => refreshClock().catch(() => {}), 1000);
          setInterval(() => refreshEmails().catch(() => {}), 5000);
        })();
        </script>
        </body>
        </html>
        """#
}
