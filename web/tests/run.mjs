// The browser verifier's tests, in Debian's Chromium driven headless by
// playwright-core (executablePath; no browser is downloaded).
//
//   node web/tests/run.mjs
//
// Environment: HAWIYA_BIN (the hawiya binary, required), HAWIYA_CHROMIUM
// (default /usr/bin/chromium), HAWIYA_WEB_SITE (the built page, default
// web/dist), HAWIYA_WEB_ARTIFACTS (screenshots and figures, default
// target/web-artifacts).
//
// Each test prints "ok - NAME" or "not ok - NAME: why"; the last line is
// "web: N passed, M failed". Exit status 0 only when nothing failed.

import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, statSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve, extname, dirname } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = process.env.HAWIYA_BIN;
const CHROMIUM = process.env.HAWIYA_CHROMIUM || "/usr/bin/chromium";
const SITE = process.env.HAWIYA_WEB_SITE || join(ROOT, "web/dist");
const ARTIFACTS = process.env.HAWIYA_WEB_ARTIFACTS || join(ROOT, "target/web-artifacts");
const HOLDER = "1087654321";
const NAME_EN = "Mohammed Abdullah Alahmad";
const NAME_AR = "محمد عبدالله الأحمد";
const REASONS = JSON.parse(readFileSync(join(ROOT, "docs/verdict.schema.json"), "utf8")).$defs.failure.properties.code.enum;

if (!BIN) {
  console.error("run.mjs: set HAWIYA_BIN to the hawiya binary");
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "hawiya-web-test-"));
mkdirSync(ARTIFACTS, { recursive: true });
const figures = {};

function hawiya(args, env = {}) {
  return execFileSync(BIN, args, { env: { ...process.env, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

// A fresh demo: keys, trust list, status list, and the holder's wallet.
const demo = join(work, "demo");
hawiya(["demo", "--out", demo]);
const passphrase = readFileSync(join(demo, "wallet-passphrase.txt"), "utf8").trim();

// A phone signs its clock's second: two codes of the same claims in one
// second are the same code (Ed25519 is deterministic), which the verifier
// rightly calls a replay. Each phone code here gets a second of its own.
let lastSecond = 0;
function nextSecond() {
  while (Math.floor(Date.now() / 1000) <= lastSecond) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  lastSecond = Math.floor(Date.now() / 1000);
}

/** A code from the holder's wallet, made now (the wallet signs only its clock's present). */
function present({ challenge, isStatic, png } = {}) {
  if (!isStatic) nextSecond();
  const args = ["wallet", "present", "--wallet", join(demo, "wallet.db"), "--document", HOLDER];
  if (challenge) args.push("--challenge", challenge);
  if (isStatic) args.push("--static");
  if (png) args.push("--png", png);
  const out = hawiya(args, { HAWIYA_PASSPHRASE: passphrase });
  const line = out.split("\n").find((l) => l.startsWith("HW2:"));
  if (!line) throw new Error(`wallet present printed no code: ${out}`);
  return line;
}

// The deployable folder, exactly as an operator makes it.
const site = join(work, "site");
hawiya([
  "web", "build",
  "--root-key", join(demo, "root.pub"),
  "--trust-list", join(demo, "trust-list.cbor"),
  "--status-list", join(demo, "status-list.cbor"),
  "--site", SITE,
  "--out", site,
]);

// A static file server for it (127.0.0.1 is a secure context: service
// workers, camera).
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".cbor": "application/cbor" };
const served = [];
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  const file = join(site, path.endsWith("/") ? path + "index.html" : path);
  served.push(path);
  if (!file.startsWith(site) || !existsSync(file) || statSync(file).isDirectory()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream", "cache-control": "no-cache" });
  res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const URL_ = `http://127.0.0.1:${server.address().port}/`;

// The fake camera: a fresh phone code's PNG as a video (ffmpeg, .y4m).
const cameraPng = join(work, "camera.png");
present({ png: cameraPng });
const video = join(work, "camera.y4m");
execFileSync("ffmpeg", [
  "-loglevel", "error", "-y", "-loop", "1", "-i", cameraPng,
  "-vf", "scale=600:600:flags=neighbor,pad=1280:720:340:60:white,format=yuv420p",
  "-r", "10", "-t", "3", video,
]);

const profile = join(work, "profile");
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync",
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    `--use-file-for-fake-video-capture=${video}`,
  ],
  viewport: { width: 900, height: 1100 },
  bypassCSP: true,
});
const page = context.pages()[0] ?? (await context.newPage());
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));

async function open() {
  await page.goto(URL_);
  await page.waitForSelector("body[data-ready]", { timeout: 30000 });
  const ready = await page.getAttribute("body", "data-ready");
  if (ready !== "true") throw new Error(`page did not start: ${await page.textContent("#status")}`);
}

async function count() {
  return Number((await page.getAttribute("#verdict", "data-count")) ?? "0");
}

/** Waits for the next verdict after `before` and returns its attributes. */
async function nextVerdict(before) {
  await page.waitForFunction((n) => Number(document.getElementById("verdict").dataset.count ?? "0") > n, before, { timeout: 30000 });
  return page.evaluate(() => {
    const v = document.getElementById("verdict");
    const claims = {};
    v.querySelectorAll("tr[data-claim]").forEach((tr) => (claims[tr.dataset.claim] = { label: tr.querySelector("th").textContent, value: tr.querySelector("td").textContent }));
    return { ...v.dataset, claims, text: v.innerText, photo: !document.getElementById("verdict-photo").hidden };
  });
}

/** Submits text as pasted into the field (fill + Enter). */
async function submit(text) {
  const before = await count();
  await page.fill("#code-input", text);
  await page.press("#code-input", "Enter");
  return nextVerdict(before);
}

async function setLang(lang) {
  const now = await page.getAttribute("html", "lang");
  if (now !== lang) await page.click("#lang");
}

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

const results = [];
async function test(name, fn) {
  try {
    await fn();
    results.push([name, null]);
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push([name, e]);
    console.log(`not ok - ${name}: ${e && e.stack ? e.stack.split("\n").slice(0, 3).join(" | ") : e}`);
  }
}

await test("the page starts and shows the pinned root key's fingerprint", async () => {
  await open();
  const site_ = JSON.parse(readFileSync(join(site, "site.json"), "utf8"));
  const shown = await page.textContent("#root-fingerprint");
  expect(shown === site_.root_fingerprint, `fingerprint shown ${shown}, pinned ${site_.root_fingerprint}`);
  // The service worker controls the page before anything else (offline later).
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null), "no service worker controls the page");
});

await test("a fresh phone code scanned by the camera is accepted with the right name, in English and Arabic", async () => {
  await setLang("en");
  const before = await count();
  await page.click("#camera");
  const v = await nextVerdict(before);
  expect(v.source === "camera", `source ${v.source}`);
  expect(v.verdict === "accepted", `verdict ${v.verdict} (${v.reasons}): ${v.text}`);
  expect(v.assurance === "timed", `assurance ${v.assurance}`);
  expect(v.claims.name_en?.value === NAME_EN, `name_en ${JSON.stringify(v.claims.name_en)}`);
  expect(v.claims.name_en.label === "Name (English)" || /name/i.test(v.claims.name_en.label), `English label ${v.claims.name_en.label}`);
  expect(/ACCEPTED/.test(v.text) && /PHONE CODE/.test(v.text), `English text: ${v.text}`);
  figures.camera_frame_to_verdict_ms = Number(v.ms);
  await page.screenshot({ path: join(ARTIFACTS, "verdict-en.png"), fullPage: true });
  await setLang("ar");
  expect((await page.getAttribute("html", "dir")) === "rtl", "Arabic is not right to left");
  const ar = await page.evaluate(() => document.getElementById("verdict").innerText);
  expect(ar.includes("مقبول"), `Arabic verdict: ${ar}`);
  expect(ar.includes(NAME_AR), `Arabic name missing: ${ar}`);
  expect(ar.includes("رمز هاتف"), `Arabic assurance missing: ${ar}`);
  await page.screenshot({ path: join(ARTIFACTS, "verdict-ar.png"), fullPage: true });
  await setLang("en");
});

await test("a one-character forgery is rejected with its reason", async () => {
  const code = present();
  // Change one character of the Base45 body, far from the prefix.
  const i = 120;
  const forged = code.slice(0, i) + (code[i] === "A" ? "B" : "A") + code.slice(i + 1);
  const v = await submit(forged);
  expect(v.verdict === "rejected", `verdict ${v.verdict}`);
  expect(REASONS.includes(v.reason), `reason ${v.reason}`);
  expect(v.assurance === "", `assurance ${v.assurance}`);
  expect(Object.keys(v.claims).length === 0, "a rejected code showed claims");
  const li = await page.textContent("#verdict-reasons li.failure");
  expect(li && li.length > 10, `no plain-words reason: ${li}`);
  await page.screenshot({ path: join(ARTIFACTS, "verdict-forgery-en.png"), fullPage: true });
});

const replayedCode = present();
await test("the same code twice is replayed", async () => {
  const first = await submit(replayedCode);
  expect(first.verdict === "accepted", `first ${first.verdict} ${first.reasons}`);
  const second = await submit(replayedCode);
  expect(second.verdict === "rejected" && second.reason === "replayed", `second ${second.verdict} ${second.reason}`);
});

await test("a replay is caught after a reload (memory in IndexedDB)", async () => {
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  const v = await submit(replayedCode);
  expect(v.verdict === "rejected" && v.reason === "replayed", `after reload ${v.verdict} ${v.reason}`);
});

const printedCode = present({ isStatic: true });
await test("a printed code is printed, with check the photo ID", async () => {
  const v = await submit(printedCode);
  expect(v.verdict === "accepted" && v.assurance === "printed", `${v.verdict} ${v.assurance} ${v.reasons}`);
  expect(v.photo, "no check-the-photo-ID line");
  expect(/Check the photo ID/.test(v.text), v.text);
  expect((v.warnings ?? "").includes("static_lower_assurance"), `warnings ${v.warnings}`);
  await page.screenshot({ path: join(ARTIFACTS, "verdict-printed-en.png"), fullPage: true });
});

await test("phone codes only refuses a printed code, and the setting survives a reload", async () => {
  await page.evaluate(() => (document.getElementById("trust").open = true));
  await page.check("#phone-only");
  let v = await submit(printedCode);
  expect(v.verdict === "rejected" && v.reason === "assurance_below_minimum", `${v.verdict} ${v.reason}`);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  v = await submit(printedCode);
  expect(v.verdict === "rejected" && v.reason === "assurance_below_minimum", `after reload: ${v.verdict} ${v.reason}`);
  const phone = await submit(present());
  expect(phone.verdict === "accepted" && phone.assurance === "timed", `phone code ${phone.verdict} ${phone.reasons}`);
  await page.evaluate(() => (document.getElementById("trust").open = true));
  await page.uncheck("#phone-only");
  v = await submit(printedCode);
  expect(v.verdict === "accepted", `unchecked: ${v.verdict} ${v.reason}`);
});

await test("a challenged code succeeds, and fails against another challenge", async () => {
  await page.click("#challenge");
  const first = await page.getAttribute("#challenge-box", "data-challenge");
  expect(/^[1-9][0-9]{5}$/.test(first ?? ""), `challenge ${first}`);
  const shown = await page.textContent("#challenge-code");
  expect(shown.replace(" ", "") === first, `shown ${shown}`);
  expect(await page.isVisible("#challenge-qr svg"), "no challenge QR");
  await page.screenshot({ path: join(ARTIFACTS, "challenge-en.png"), fullPage: true });
  const v = await submit(present({ challenge: first }));
  expect(v.verdict === "accepted" && v.assurance === "challenged", `${v.verdict} ${v.assurance} ${v.reasons}`);
  // A new challenge is on screen now; an answer to the old one fails.
  const second = await page.getAttribute("#challenge-box", "data-challenge");
  expect(second !== first, "the challenge was not renewed after a verdict");
  const other = await submit(present({ challenge: first }));
  expect(other.verdict === "rejected" && other.reason === "challenge_mismatch", `${other.verdict} ${other.reasons}`);
  // A timed code does not answer the challenge.
  const timed = await submit(present());
  expect(timed.reason === "challenge_not_answered", `timed in challenge mode: ${timed.reasons}`);
  await page.click("#challenge");
  expect(await page.isHidden("#challenge-box"), "challenge box still shown");
});

await test("keyboard-wedge scanner input (typed characters and Enter) is verified", async () => {
  const code = present();
  await page.focus("#code-input");
  const before = await count();
  await page.keyboard.type(code, { delay: 0 });
  await page.keyboard.press("Enter");
  const v = await nextVerdict(before);
  expect(v.verdict === "accepted" && v.source === "text", `${v.verdict} ${v.reasons}`);
  expect(await page.evaluate(() => document.activeElement?.id) === "code-input", "the field lost focus for the next scan");
});

await test("scanner keystrokes reach the code field when the focus is elsewhere", async () => {
  const code = present();
  await page.evaluate(() => document.activeElement.blur());
  await page.mouse.click(5, 5);
  expect(await page.evaluate(() => document.activeElement?.id) !== "code-input", "the field kept the focus");
  const before = await count();
  await page.keyboard.type(code, { delay: 0 });
  await page.keyboard.press("Enter");
  const v = await nextVerdict(before);
  expect(v.verdict === "accepted" && v.source === "text", `${v.verdict} ${v.reasons}`);
});

await test("a chosen photo of a code is verified", async () => {
  const png = join(work, "photo.png");
  present({ png });
  const before = await count();
  await page.setInputFiles("#photo", png);
  const v = await nextVerdict(before);
  expect(v.verdict === "accepted" && v.source === "photo", `${v.verdict} ${v.source} ${v.reasons}`);
});

await test("trust list updates: a newer one is used, a rollback and another root's list are refused", async () => {
  const v2 = join(work, "trust-list-v2.cbor");
  hawiya(["issuer", "trust-list", "--root-key", join(demo, "root.key"), "--issuer", join(demo, "issuer.pub"), "--version", "2", "--out", v2]);
  await page.evaluate(() => (document.getElementById("trust").open = true));
  await page.evaluate(() => delete document.getElementById("update-result").dataset.result);
  await page.setInputFiles("#update-file", v2);
  await page.waitForFunction(() => document.getElementById("update-result").dataset.result);
  let r = await page.getAttribute("#update-result", "data-result");
  expect(r === "trust", `v2: ${r} ${await page.textContent("#update-result")}`);
  expect(/version 2/.test(await page.textContent("#trust-info")), await page.textContent("#trust-info"));
  await page.evaluate(() => delete document.getElementById("update-result").dataset.result);
  await page.setInputFiles("#update-file", join(demo, "trust-list.cbor"));
  await page.waitForFunction(() => document.getElementById("update-result").dataset.result);
  r = await page.getAttribute("#update-result", "data-result");
  const text = await page.textContent("#update-result");
  expect(r === "refused" && /roll back/.test(text), `rollback: ${r} ${text}`);
  // Another root's list.
  const otherRoot = join(work, "other-root.key");
  hawiya(["issuer", "root-key", "--out", otherRoot]);
  const other = join(work, "other-trust-list.cbor");
  hawiya(["issuer", "trust-list", "--root-key", otherRoot, "--issuer", join(demo, "issuer.pub"), "--version", "9", "--out", other]);
  await page.evaluate(() => delete document.getElementById("update-result").dataset.result);
  await page.setInputFiles("#update-file", other);
  await page.waitForFunction(() => document.getElementById("update-result").dataset.result);
  r = await page.getAttribute("#update-result", "data-result");
  expect(r === "refused" && /pinned root key/.test(await page.textContent("#update-result")), `other root: ${r}`);
  // From an address: the authority publishes version 3 beside the page.
  mkdirSync(join(site, "updates"), { recursive: true });
  hawiya(["issuer", "trust-list", "--root-key", join(demo, "root.key"), "--issuer", join(demo, "issuer.pub"), "--version", "3", "--out", join(site, "updates/trust-list.cbor")]);
  await page.fill("#update-url", `${URL_}updates/trust-list.cbor`);
  await page.evaluate(() => delete document.getElementById("update-result").dataset.result);
  await page.click("#update-url-form button");
  await page.waitForFunction(() => document.getElementById("update-result").dataset.result);
  r = await page.getAttribute("#update-result", "data-result");
  expect(r === "trust" && /version 3/.test(await page.textContent("#trust-info")), `from an address: ${r} ${await page.textContent("#update-result")}`);
  // The rollback is refused after a reload too (version kept in IndexedDB).
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  expect(/version 3/.test(await page.textContent("#trust-info")), `after reload: ${await page.textContent("#trust-info")}`);
  // The status list still applies under the new trust list.
  expect(!/No status list/.test(await page.textContent("#status-info")), await page.textContent("#status-info"));
});

await test("after going offline and reloading, the page still verifies", async () => {
  const fresh = page;
  served.length = 0;
  await context.setOffline(true);
  await fresh.reload();
  await fresh.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  const before = Number((await fresh.getAttribute("#verdict", "data-count")) ?? "0");
  await fresh.fill("#code-input", present());
  await fresh.press("#code-input", "Enter");
  await fresh.waitForFunction((n) => Number(document.getElementById("verdict").dataset.count ?? "0") > n, before);
  const verdict = await fresh.getAttribute("#verdict", "data-verdict");
  expect(verdict === "accepted", `offline verdict ${verdict}: ${await fresh.textContent("#verdict")}`);
  expect(served.length === 0, `the server was asked for ${served.join(", ")} while offline`);
  await context.setOffline(false);
  // Figures: verification time in Chromium, per code, for a printed code
  // and a phone code (the same codes and lists go to target/web-artifacts/
  // bench/ for the native run: cargo run --release -p hawiya-web --example
  // verify_time).
  const phoneCode = present();
  const at = Math.floor(Date.now() / 1000);
  const bench = join(ARTIFACTS, "bench");
  mkdirSync(bench, { recursive: true });
  for (const f of ["site.json", "trust/trust-list.cbor", "trust/status-list.cbor"]) writeFileSync(join(bench, f.replace("trust/", "")), readFileSync(join(site, f)));
  writeFileSync(join(bench, "codes.json"), JSON.stringify({ at, printed: printedCode, phone: phoneCode }, null, 2) + "\n");
  const timing = await fresh.evaluate(async ([codes, at]) => {
    const m = await import("./hawiya_web.js");
    await m.default();
    const site = await (await fetch("site.json")).json();
    const trust = new Uint8Array(await (await fetch(site.trust_list)).arrayBuffer());
    const status = new Uint8Array(await (await fetch(site.status_lists[0])).arrayBuffer());
    const out = {};
    for (const [name, text] of Object.entries(codes)) {
      const v = new m.WebVerifier(site.root_public_key, trust, "", false);
      v.addStatusList(status, at);
      for (let i = 0; i < 300; i++) v.verify(text, at);
      const n = 300;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) v.verify(text, at);
      out[name] = (performance.now() - t0) / n;
    }
    return out;
  }, [{ printed: printedCode, phone: phoneCode }, at]);
  figures.chromium_verify_printed_ms = timing.printed;
  figures.chromium_verify_phone_ms = timing.phone;
});

const staleCode = present();
await test("a code shown again ten minutes later is presentation_stale", async () => {
  // The page's clock moves on (the wasm takes its time from Date.now()).
  await page.clock.setFixedTime(Date.now() + 600 * 1000);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  const v = await submit(staleCode);
  expect(v.verdict === "rejected" && v.reason === "presentation_stale", `${v.verdict} ${v.reasons}`);
  expect(/too old/.test(v.text), v.text);
});

await test("a stale status list shows the CLI's warning", async () => {
  // Eight days on: the demo's status list is older than the 7-day maximum.
  const later = Date.now() + 8 * 86400 * 1000;
  await page.clock.setFixedTime(later);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  await page.evaluate(() => (document.getElementById("trust").open = true));
  const warning = await page.textContent("#status-info .stale");
  expect(/revocation list is \d+ s old: a recent revocation may be missed/.test(warning ?? ""), `status panel: ${warning}`);
  const v = await submit(printedCode);
  expect((v.warnings ?? "").includes("status_stale"), `verdict warnings: ${v.warnings}`);
});

if (pageErrors.length) {
  results.push(["no uncaught errors in the page", new Error(pageErrors.join("; "))]);
  console.log(`not ok - no uncaught errors in the page: ${pageErrors.join("; ")}`);
}

// First-visit weight: every file of the folder, gzipped.
let gz = 0;
let raw = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name !== ".hawiya-site") {
      const bytes = readFileSync(p);
      raw += bytes.length;
      gz += gzipSync(bytes, { level: 9 }).length;
    }
  }
};
walk(site);
figures.first_visit_bytes = raw;
figures.first_visit_gzip_bytes = gz;
figures.wasm_bytes = statSync(join(site, "hawiya_web_bg.wasm")).size;
figures.wasm_gzip_bytes = gzipSync(readFileSync(join(site, "hawiya_web_bg.wasm")), { level: 9 }).length;
writeFileSync(join(ARTIFACTS, "figures.json"), JSON.stringify(figures, null, 2) + "\n");
console.log(`figures: ${JSON.stringify(figures)}`);

await context.close();
server.close();
rmSync(work, { recursive: true, force: true });
const failed = results.filter(([, e]) => e).length;
console.log(`web: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
