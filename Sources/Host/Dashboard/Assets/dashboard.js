// Aviary dashboard: live counters over Server-Sent Events and the sandbox chat pane.
// Plain JavaScript, no build step. Every page works without it; this only makes it live.
"use strict";

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

// Live bots table and counters ------------------------------------------------------------

function setField(scope, field, value) {
  for (const element of scope.querySelectorAll(`[data-field="${field}"]`)) {
    const text = value === null || value === undefined ? "—" : String(value);
    if (element.textContent !== text) element.textContent = text;
    if (field === "state") {
      const badge = element.classList.contains("state") ? element : element.closest(".state");
      if (badge) badge.className = `state state-${text}`;
    }
  }
}

function rowFor(bot) {
  const row = document.createElement("tr");
  row.dataset.bot = bot.id;
  const head = document.createElement("th");
  head.scope = "row";
  const link = document.createElement("a");
  link.href = `/bots/${encodeURIComponent(bot.id)}`;
  link.textContent = bot.name;
  const id = document.createElement("span");
  id.className = "id";
  id.textContent = bot.brand ? `${bot.id} · ${bot.brand}` : bot.id;
  head.append(link, " ", id);
  row.append(head);
  const cell = (field, numeric) => {
    const td = document.createElement("td");
    if (numeric) td.className = "num";
    if (field) td.dataset.field = field;
    row.append(td);
    return td;
  };
  const state = document.createElement("span");
  state.className = "state";
  state.dataset.field = "state";
  cell(null).append(state);
  cell(null).textContent = bot.platform;
  cell(null).textContent = bot.mode;
  cell("uptime");
  for (const field of ["updates_per_minute", "replies_per_minute", "errors", "inbox", "outbox", "updates", "database"]) {
    cell(field, true);
  }
  return row;
}

function applyBots(bots) {
  const table = document.querySelector("#bots tbody");
  if (table) {
    const seen = new Set(bots.map((bot) => bot.id));
    for (const row of [...table.rows]) if (!seen.has(row.dataset.bot)) row.remove();
    for (const bot of bots) {
      if (!table.querySelector(`tr[data-bot="${CSS.escape(bot.id)}"]`)) table.append(rowFor(bot));
    }
    const caption = document.querySelector("#bots caption");
    if (caption) caption.textContent = caption.textContent.replace(/^\d+/, String(bots.length));
  }
  for (const bot of bots) {
    for (const scope of document.querySelectorAll(`[data-bot="${CSS.escape(bot.id)}"]`)) {
      for (const [field, value] of Object.entries(bot)) setField(scope, field, value);
    }
  }
}

function startLive() {
  const table = document.querySelector("#bots[data-live]");
  const counters = document.querySelector(".counters[data-bot]");
  if (!table && !counters) return;
  const url = table ? "/events" : `/events?bot=${encodeURIComponent(counters.dataset.bot)}`;
  const status = document.getElementById("live-status");
  const source = new EventSource(url);
  source.addEventListener("bots", (event) => {
    applyBots(JSON.parse(event.data).bots);
    document.body.dataset.liveUpdates = String(Number(document.body.dataset.liveUpdates ?? 0) + 1);
    if (status && status.textContent) status.textContent = "";
  });
  source.addEventListener("error", () => {
    if (status) status.textContent = "Live updates paused; reconnecting…";
  });
}

// Sandbox chat ----------------------------------------------------------------------------

// A photo shows as a mark before its caption: the sandbox has file ids, not pictures.
function plainText(message) {
  const mark = message.photo ? "📷 " : "";
  if (message.parse_mode === "HTML") {
    return mark + (new DOMParser().parseFromString(message.text, "text/html").body.textContent ?? "");
  }
  if (message.parse_mode === "MarkdownV2") return mark + message.text.replace(/\\(.)/g, "$1");
  return mark + message.text;
}

function hidden(name, value) {
  const input = document.createElement("input");
  input.type = "hidden";
  input.name = name;
  input.value = String(value);
  return input;
}

function messageElement(chat, message) {
  const item = document.createElement("li");
  item.className = `message from-${message.from}`;
  item.dataset.message = String(message.id);
  const who = document.createElement("span");
  who.className = "visually-hidden";
  who.textContent = message.from === "bot" ? "Bot:" : "You:";
  const text = document.createElement("p");
  text.className = "text";
  text.textContent = plainText(message);
  item.append(who, text);
  if (message.notice) {
    const notice = document.createElement("p");
    notice.className = "notice-line";
    notice.textContent = message.notice;
    item.append(notice);
  }
  for (const row of message.buttons ?? []) {
    const line = document.createElement("div");
    line.className = "buttons";
    for (const button of row) {
      if (button.data !== undefined && button.data !== null) {
        const form = document.createElement("form");
        form.method = "post";
        form.action = `/chat/${encodeURIComponent(chat.dataset.bot)}/presses`;
        form.append(
          hidden("csrf", csrfToken()), hidden("user_id", chat.dataset.user), hidden("first_name", personName(chat)),
          hidden("message_id", message.id), hidden("data", button.data));
        const press = document.createElement("button");
        press.type = "submit";
        press.textContent = button.text;
        form.append(press);
        line.append(form);
      } else if (button.url) {
        const link = document.createElement("a");
        link.className = "button-link";
        link.href = button.url;
        link.rel = "noopener noreferrer";
        link.target = "_blank";
        link.textContent = button.text;
        line.append(link);
      }
    }
    item.append(line);
  }
  return item;
}

function personName(chat) {
  return chat.querySelector('#send [name="first_name"]')?.value ?? "";
}

function showChatError(chat, text) {
  let line = chat.querySelector(".chat-error");
  if (!line) {
    line = document.createElement("p");
    line.className = "error chat-error";
    line.setAttribute("role", "alert");
    chat.querySelector("#send").before(line);
  }
  line.textContent = text;
}

async function post(chat, form, submitter) {
  const fields = new FormData(form);
  // The pressed button's own value (📷 Send a photo), as a plain form post would send it.
  if (submitter?.name) fields.append(submitter.name, submitter.value);
  const response = await fetch(form.action, {
    method: "POST",
    headers: { Accept: "application/json", "X-CSRF-Token": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    credentials: "same-origin",
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    showChatError(chat, problem.detail ?? `The host answered ${response.status}.`);
    return false;
  }
  chat.querySelector(".chat-error")?.remove();
  return true;
}

async function follow(chat) {
  const list = chat.querySelector("#messages");
  for (;;) {
    const after = chat.dataset.revision ?? "0";
    const url = `/chat/${encodeURIComponent(chat.dataset.bot)}/conversations/${encodeURIComponent(chat.dataset.user)}?after=${after}&wait=25`;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.status === 401) { location.assign("/login"); return; }
      if (!response.ok) throw new Error(String(response.status));
      const page = await response.json();
      for (const message of page.messages) {
        const element = messageElement(chat, message);
        const existing = list.querySelector(`[data-message="${message.id}"]`);
        if (existing) existing.replaceWith(element); else list.append(element);
      }
      chat.dataset.revision = String(page.revision);
      if (page.messages.length) list.lastElementChild?.scrollIntoView({ block: "nearest" });
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function startChat() {
  const chat = document.querySelector(".chat[data-bot]");
  if (!chat) return;
  chat.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const button = event.submitter ?? form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    try {
      if ((await post(chat, form, event.submitter)) && form.id === "send") {
        form.querySelector('[name="text"]').value = "";
      }
    } finally {
      if (button) button.disabled = false;
      if (form.id === "send") form.querySelector('[name="text"]').focus();
    }
  });
  follow(chat);
}

document.addEventListener("DOMContentLoaded", () => {
  startLive();
  startChat();
});
