// Headless Debian chromium driven by the DevTools protocol over a pipe (--remote-debugging-pipe:
// JSON messages separated by NUL bytes on file descriptors 3 and 4): no npm package, no
// browser download, no port. Every request the browser makes is recorded; with a dead proxy
// and no host resolution nothing could leave the machine anyway.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class Browser {
  static async launch(chromium = process.env.CHROMIUM || "/usr/bin/chromium") {
    const profile = mkdtempSync(join(tmpdir(), "tg-lab-chromium-"));
    const child = spawn(chromium, [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
      "--disable-background-networking", "--disable-sync", "--disable-component-update",
      `--user-data-dir=${profile}`, "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
      "--allow-file-access-from-files", "--remote-debugging-pipe", "--window-size=1400,1000", "about:blank",
    ], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true });  // its own process group
    const b = new Browser(child, profile);
    await b.send("Target.setDiscoverTargets", { discover: true });
    return b;
  }

  constructor(child, profile) {
    this.child = child;
    this.profile = profile;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.stderr = "";
    let buffer = "";
    child.stdio[2].on("data", (d) => { this.stderr += d; });
    child.stdio[4].on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let end;
      while ((end = buffer.indexOf("\0")) >= 0) {
        const message = JSON.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        if (message.id && this.pending.has(message.id)) {
          const { resolve, reject } = this.pending.get(message.id);
          this.pending.delete(message.id);
          message.error ? reject(new Error(`${message.error.message} ${message.error.data || ""}`)) : resolve(message.result);
        } else for (const l of this.listeners) l(message);
      }
    });
    child.on("exit", (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`chromium exited (${code}): ${this.stderr.slice(-500)}`));
      this.pending.clear();
    });
  }

  send(method, params = {}, sessionId = undefined) {
    const id = this.nextId++;
    const message = { id, method, params };
    if (sessionId) message.sessionId = sessionId;
    this.child.stdio[3].write(JSON.stringify(message) + "\0");
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  // A new tab on url; its requests are recorded in page.requests.
  async open(url) {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    const page = new Page(this, sessionId);
    await page.send("Network.enable");
    await page.send("Page.enable");
    await page.send("Runtime.enable");
    await page.send("Page.navigate", { url });
    return page;
  }

  async close() {
    try { await Promise.race([this.send("Browser.close"), new Promise((r) => setTimeout(r, 3000))]); } catch { /* gone */ }
    const exited = this.child.exitCode === null ? new Promise((r) => this.child.once("exit", r)) : null;
    try {
      process.kill(-this.child.pid, "SIGKILL");  // the browser and its helper processes
    } catch { /* already gone */ }
    await exited;
    await new Promise((r) => setTimeout(r, 200));  // helpers still closing files in the profile
    try {
      rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (e) {
      console.log(`note: the browser profile ${this.profile} was not removed: ${e.message}`);
    }
  }
}

export class Page {
  constructor(browser, sessionId) {
    this.browser = browser;
    this.sessionId = sessionId;
    this.requests = [];
    this.console = [];
    browser.listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      if (m.method === "Network.requestWillBeSent") this.requests.push(m.params.request.url);
      if (m.method === "Runtime.exceptionThrown") this.console.push("exception: " + JSON.stringify(m.params.exceptionDetails.exception?.description || m.params.exceptionDetails.text));
      if (m.method === "Runtime.consoleAPICalled") this.console.push(m.params.args.map((a) => a.value ?? a.description).join(" "));
    });
  }

  send(method, params = {}) { return this.browser.send(method, params, this.sessionId); }

  // The value of a JavaScript expression in the page (awaited if it is a promise).
  async eval(expression, timeoutMs = 30000) {
    const r = await this.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true, timeout: timeoutMs });
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description || r.exceptionDetails.text}`);
    return r.result.value;
  }

  // Polls expression until it is truthy; throws after timeoutMs, saying what was awaited.
  async waitFor(expression, timeoutMs = 30000, what = expression) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.eval(expression);
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; console: ${this.console.join(" | ")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  // The window's view, or the whole page.
  async screenshot(file, wholePage = false) {
    const { data } = await this.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: wholePage });
    writeFileSync(file, Buffer.from(data, "base64"));
  }
}
