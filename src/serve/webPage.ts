/**
 * The page at `/`: ONE self-contained HTML file (inline CSS and JS, no library, nothing from a CDN; the server's
 * content security policy forbids any other origin). Two tabs:
 * - Chat with any served model through /v1/chat/completions, streamed (a model without a chat template falls back
 *   to /v1/completions on the raw text), with a Stop button (aborts the request: the server frees the slot),
 *   sampling settings, and the prompt as the chat template renders it, on request (POST /api/render).
 * - Runs: the evaluation runs of `--runs DIR` (GET /api/runs), each opening its own report (results table, charts,
 *   per-sample outputs with filters) in a frame.
 * An API key, when the server needs one, is asked for once and kept in this tab's sessionStorage.
 * Text from the model or a run is only ever set as textContent (or a sandboxed srcdoc), never parsed as HTML.
 */
export const WEB_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>mellama serve</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{display:flex;gap:.5rem;align-items:center;padding:.6rem 1rem;background:#1d2430;color:#fff}
header h1{font-size:1rem;margin:0 1rem 0 0}
header button{background:none;border:1px solid #5a6475;color:#fff;border-radius:4px;padding:.25rem .7rem;cursor:pointer}
header button.on{background:#3b82f6;border-color:#3b82f6}
main{padding:1rem;max-width:1100px;margin:auto}
.row{display:flex;flex-wrap:wrap;gap:.8rem;align-items:end;margin-bottom:.6rem}
label{display:flex;flex-direction:column;font-size:.8rem;color:#4b5563}
input,select,textarea{font:inherit;padding:.3rem;border:1px solid #c7ccd4;border-radius:4px}
input[type=number]{width:6rem}
textarea{width:100%;box-sizing:border-box}
#messages{background:#fff;border:1px solid #dde1e7;border-radius:6px;min-height:12rem;padding:.6rem;margin:.6rem 0;overflow:auto;max-height:55vh}
.msg{white-space:pre-wrap;margin:.3rem 0;padding:.4rem .6rem;border-radius:6px}
.msg.user{background:#e8f0fe}.msg.assistant{background:#f1f5f0}.msg.system{background:#fff7e0}
.msg .role{font-size:.7rem;text-transform:uppercase;color:#6b7280;display:block}
pre#prompt-view{background:#101418;color:#d7e0ea;padding:.6rem;border-radius:6px;white-space:pre-wrap;max-height:14rem;overflow:auto}
button.act{padding:.4rem 1rem;border-radius:4px;border:1px solid #3b82f6;background:#3b82f6;color:#fff;cursor:pointer}
button.act:disabled{opacity:.45;cursor:default}
#stop{background:#b91c1c;border-color:#b91c1c}
#status{color:#6b7280;font-size:.8rem;min-height:1.2em}
table{border-collapse:collapse;background:#fff;width:100%}
td,th{border:1px solid #dde1e7;padding:.3rem .5rem;text-align:left;font-size:.85rem;vertical-align:top}
tr[data-run]{cursor:pointer}tr[data-run]:hover{background:#eef4ff}tr.open{background:#dbe8ff}
iframe{width:100%;height:70vh;border:1px solid #dde1e7;border-radius:6px;background:#fff;margin-top:.8rem}
.hidden{display:none}
</style></head>
<body>
<header><h1>mellama serve</h1><button id="tab-chat" class="on">Chat</button><button id="tab-runs">Evaluation runs</button>
<span style="flex:1"></span><label style="color:#cbd2dc">API key <input id="api-key" type="password" size="14" autocomplete="off"></label></header>
<main>
<section id="chat">
  <div class="row">
    <label>Model <select id="model"></select></label>
    <label>Temperature <input id="temperature" type="number" min="0" max="2" step="0.1" value="0.7"></label>
    <label>Top p <input id="top_p" type="number" min="0" max="1" step="0.05" value="1"></label>
    <label>Max tokens <input id="max_tokens" type="number" min="1" step="1" value="256"></label>
    <label>Seed <input id="seed" type="number" step="1" placeholder="random"></label>
    <label style="flex-direction:row;gap:.3rem;align-items:center"><input id="show-prompt" type="checkbox"> show rendered prompt</label>
    <button id="clear" class="act" style="background:#6b7280;border-color:#6b7280">New chat</button>
  </div>
  <label>System message (optional) <textarea id="system" rows="2"></textarea></label>
  <div id="messages" aria-live="polite"></div>
  <pre id="prompt-view" class="hidden"></pre>
  <textarea id="input" rows="3" placeholder="Message (Ctrl+Enter sends)"></textarea>
  <div class="row" style="margin-top:.5rem"><button id="send" class="act">Send</button><button id="stop" class="act" disabled>Stop</button><span id="status"></span></div>
</section>
<section id="runs" class="hidden">
  <p id="runs-note"></p>
  <table id="runs-table"><thead><tr><th>Run</th><th>Model</th><th>Date</th><th>Headline metrics</th></tr></thead><tbody></tbody></table>
  <iframe id="run-frame" class="hidden" title="evaluation report" sandbox="allow-scripts"></iframe>
</section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const state = { models: [], history: [], controller: null };
const keyInput = $("api-key");
keyInput.value = sessionStorage.getItem("mellama-key") || "";
keyInput.addEventListener("change", () => { sessionStorage.setItem("mellama-key", keyInput.value); loadModels(); });
function headers() {
  const h = { "content-type": "application/json" };
  if (keyInput.value) { h.authorization = "Bearer " + keyInput.value; }
  return h;
}
async function api(path, body) {
  const r = await fetch(path, body === undefined ? { headers: headers() } : { method: "POST", headers: headers(), body: JSON.stringify(body) });
  if (!r.ok) { throw new Error(await errorText(r)); }
  return r.json();
}
async function errorText(r) {
  try { const j = await r.json(); return (j.error && j.error.message) || ("HTTP " + r.status); } catch { return "HTTP " + r.status; }
}
function setStatus(text) { $("status").textContent = text; }
function tab(name) {
  for (const t of ["chat", "runs"]) { $(t).classList.toggle("hidden", t !== name); $("tab-" + t).classList.toggle("on", t === name); }
  if (name === "runs") { loadRuns(); }
}
$("tab-chat").onclick = () => tab("chat");
$("tab-runs").onclick = () => tab("runs");
async function loadModels() {
  try {
    const list = await api("/v1/models");
    state.models = list.data;
    const sel = $("model");
    sel.textContent = "";
    for (const m of list.data) {
      const o = document.createElement("option");
      o.value = m.id; o.textContent = m.id + (m.chat_template ? "" : " (no chat template: raw completion)");
      sel.appendChild(o);
    }
    setStatus("");
  } catch (e) { setStatus(e.message); }
}
function addMessage(role, text) {
  const div = document.createElement("div");
  div.className = "msg " + role;
  const r = document.createElement("span"); r.className = "role"; r.textContent = role;
  const body = document.createElement("span"); body.className = "text"; body.textContent = text;
  div.append(r, body);
  $("messages").appendChild(div);
  return body;
}
function conversation() {
  const sys = $("system").value.trim();
  return (sys ? [{ role: "system", content: sys }] : []).concat(state.history);
}
function settings() {
  const s = { temperature: Number($("temperature").value), top_p: Number($("top_p").value), max_tokens: Number($("max_tokens").value) };
  if ($("seed").value !== "") { s.seed = Number($("seed").value); }
  return s;
}
async function send() {
  const text = $("input").value;
  if (!text.trim() || state.controller) { return; }
  const model = $("model").value;
  const info = state.models.find((m) => m.id === model);
  const chat = !!(info && info.chat_template);
  state.history.push({ role: "user", content: text });
  $("input").value = "";
  addMessage("user", text);
  const out = addMessage("assistant", "");
  out.parentElement.classList.add("streaming");
  const view = $("prompt-view");
  view.classList.toggle("hidden", !$("show-prompt").checked);
  if ($("show-prompt").checked) {
    try {
      view.textContent = chat ? (await api("/api/render", { model, messages: conversation() })).prompt : text;
    } catch (e) { view.textContent = "(" + e.message + ")"; }
  }
  const controller = new AbortController();
  state.controller = controller;
  $("send").disabled = true; $("stop").disabled = false;
  setStatus("generating…");
  const body = Object.assign({ model, stream: true }, settings(), chat ? { messages: conversation() } : { prompt: text });
  let answer = "", finish = "", chunks = 0;
  try {
    const r = await fetch(chat ? "/v1/chat/completions" : "/v1/completions", { method: "POST", headers: headers(), body: JSON.stringify(body), signal: controller.signal });
    if (!r.ok) { throw new Error(await errorText(r)); }
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) { break; }
      buf += decoder.decode(value, { stream: true });
      let at;
      while ((at = buf.indexOf("\\n\\n")) >= 0) {
        const event = buf.slice(0, at); buf = buf.slice(at + 2);
        if (!event.startsWith("data: ")) { continue; }
        const data = event.slice(6);
        if (data === "[DONE]") { continue; }
        const j = JSON.parse(data);
        if (j.error) { throw new Error(j.error.message); }
        for (const c of j.choices || []) {
          const piece = chat ? (c.delta && c.delta.content) || "" : c.text || "";
          answer += piece;
          if (c.finish_reason) { finish = c.finish_reason; }
        }
        out.textContent = answer;
        out.parentElement.dataset.chunks = String(++chunks);
        $("messages").scrollTop = $("messages").scrollHeight;
      }
    }
    setStatus("done (" + (finish || "end") + ")");
  } catch (e) {
    setStatus(e.name === "AbortError" ? "stopped" : "error: " + e.message);
  } finally {
    out.parentElement.classList.remove("streaming");
    out.parentElement.dataset.finish = finish || "stopped";
    state.history.push({ role: "assistant", content: answer });
    state.controller = null;
    $("send").disabled = false; $("stop").disabled = true;
  }
}
$("send").onclick = send;
$("stop").onclick = () => { if (state.controller) { state.controller.abort(); } };
$("input").addEventListener("keydown", (e) => { if (e.key === "Enter" && e.ctrlKey) { send(); } });
$("clear").onclick = () => { state.history = []; $("messages").textContent = ""; $("prompt-view").textContent = ""; };
async function loadRuns() {
  const tbody = document.querySelector("#runs-table tbody");
  try {
    const list = await api("/api/runs");
    tbody.textContent = "";
    $("runs-note").textContent = list.data.length === 0 ? "No evaluation runs (start mellama serve with --runs DIR)." : "Click a run to open its report.";
    for (const run of list.data) {
      const tr = document.createElement("tr");
      tr.dataset.run = run.name;
      const metrics = Object.entries(run.metrics).map(([t, m]) => t + ": " + Object.entries(m).map(([k, v]) => k + " " + (typeof v === "number" ? v.toFixed(4) : v)).join(", ")).join("; ");
      for (const text of [run.name, run.model, run.date, metrics]) { const td = document.createElement("td"); td.textContent = text; tr.appendChild(td); }
      tr.onclick = () => openRun(run, tr);
      tbody.appendChild(tr);
    }
  } catch (e) { $("runs-note").textContent = e.message; }
}
async function openRun(run, tr) {
  for (const r of document.querySelectorAll("tr[data-run]")) { r.classList.toggle("open", r === tr); }
  const frame = $("run-frame");
  try {
    const r = await fetch("/runs/" + encodeURIComponent(run.name) + "/report.html", { headers: headers() });
    if (!r.ok) { throw new Error(await errorText(r)); }
    frame.srcdoc = await r.text();
    frame.classList.remove("hidden");
  } catch (e) { $("runs-note").textContent = e.message; }
}
loadModels();
</script>
</body></html>
`;
