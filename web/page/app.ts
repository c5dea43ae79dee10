// The verifier page: scanning (camera, photo, pasted text, keyboard-wedge
// scanner), the verdict in Arabic and English, challenge mode, trust and
// status list updates, and what it keeps in IndexedDB. Verification and QR
// decoding run in WebAssembly (hawiya_web.js, built from web/src/lib.rs).

import init, { WebVerifier, decodeFrame } from "./hawiya_web.js";

type Lang = "en" | "ar";
type Item = { code: string; message: string };
type Verdict = {
  accepted: boolean;
  verdict: "accepted" | "rejected";
  mode: "device_bound" | "static" | null;
  assurance: "challenged" | "timed" | "printed" | null;
  failures: Item[];
  warnings: Item[];
  document_type: string | null;
  document_version: number | null;
  guardian: number | null;
  issuer: string | null;
  expires_at: number | null;
  presented_at: number | null;
  claims: Record<string, string | boolean | null>;
  min_assurance: string;
  labels: { key: string; en: string; ar: string }[];
  document_names: { en: string; ar: string } | null;
};
type StatusInfo = { uri: string; issued_at: number; ttl: number; age_secs: number; stale: boolean; warning: string | null };
type State = {
  root_fingerprint: string;
  trust: { version: number; issued_at: number; issuers: { name: string }[] };
  status: StatusInfo[];
  min_assurance: string;
  challenge: { code: string; grouped: string } | null;
};
type Site = { root_public_key: string; trust_list: string; status_lists: string[]; built_at: number };

const T: Record<Lang, Record<string, string>> = {
  en: {
    title: "ID verifier",
    loading: "Loading…",
    ready: "Ready: scan a code.",
    input_label: "Scan with a scanner, or paste the code text (HW2:…)",
    verify: "Verify",
    camera: "Scan with the camera",
    camera_stop: "Stop the camera",
    camera_looking: "Camera on: hold the code in front of it.",
    photo: "Choose a photo or screenshot",
    challenge_on: "Challenge mode",
    challenge_help: "Ask the holder to scan this code or type the six digits in the wallet app, then scan the phone's code.",
    check_photo: "Check the photo ID: this is a printed card; compare the photo and the name with the person.",
    accepted: "✓ ACCEPTED",
    rejected: "✗ REJECTED",
    a_challenged: "CHALLENGED: signed by the holder's phone over this challenge, just now",
    a_timed: "PHONE CODE (timed): signed by the holder's phone by its own clock",
    a_printed: "PRINTED CARD: issuer-signed only, anyone with a copy can show it",
    guardian_device: "Presented by the guardian: the holder of document {n}",
    guardian_static: "A dependent's card; guardian: the holder of document {n}",
    claimed: "What the code claims (not verified): ",
    issuer: "issuer",
    version: "version",
    trust: "Trust and settings",
    root: "Root key fingerprint",
    trust_info: "Trust list version {v}, signed {d} ({age} ago), {n} issuer key(s).",
    status_line: "Status list {uri}: signed {d} ({age} ago).",
    no_status: "No status list: revocation status unknown.",
    phone_only: "Phone codes only (refuse printed cards)",
    update: "Update the trust list or a status list",
    update_file: "From a file",
    update_url: "From this address",
    updated_trust: "Trust list version {v} is now in use.",
    updated_status: "Status list for {uri} is now in use.",
    refused: "Refused: {e}",
    no_code: "No code found in the image: {e}",
    offline: "Works offline after the first visit.",
    error: "The verifier could not start: {e}",
    camera_error: "The camera could not be opened: {e}",
  },
  ar: {
    title: "التحقق من الهوية",
    loading: "جارٍ التحميل…",
    ready: "جاهز: امسح الرمز.",
    input_label: "امسح بالماسح، أو الصق نص الرمز (\u2066HW2:…\u2069)",
    verify: "تحقّق",
    camera: "المسح بالكاميرا",
    camera_stop: "إيقاف الكاميرا",
    camera_looking: "الكاميرا تعمل: ضع الرمز أمامها.",
    photo: "اختر صورة أو لقطة شاشة",
    challenge_on: "وضع التحدي",
    challenge_help: "اطلب من حامل الهوية مسح هذا الرمز أو كتابة الأرقام الستة في تطبيق المحفظة، ثم امسح رمز الهاتف.",
    check_photo: "تحقّق من صورة الهوية: هذه بطاقة مطبوعة؛ قارن الصورة والاسم بالشخص.",
    accepted: "✓ مقبول",
    rejected: "✗ مرفوض",
    a_challenged: "بتحدٍّ: وقّعه هاتف حامل الهوية على هذا التحدي الآن",
    a_timed: "رمز هاتف (بالتوقيت): وقّعه هاتف حامل الهوية بساعته",
    a_printed: "بطاقة مطبوعة: موقّعة من الجهة المصدرة فقط، ويمكن لأي حامل نسخة عرضها",
    guardian_device: "قدّمه وليّ الأمر: حامل الوثيقة {n}",
    guardian_static: "بطاقة تابع؛ وليّ الأمر: حامل الوثيقة {n}",
    claimed: "ما يدّعيه الرمز (غير مُتحقَّق منه): ",
    issuer: "الجهة المصدرة",
    version: "الإصدار",
    trust: "الثقة والإعدادات",
    root: "بصمة مفتاح الجذر",
    trust_info: "قائمة الثقة الإصدار {v}، موقّعة {d} (قبل {age})، {n} مفتاح جهة مصدرة.",
    status_line: "قائمة الحالة {uri}: موقّعة {d} (قبل {age}).",
    no_status: "لا توجد قائمة حالة: حالة الإلغاء غير معروفة.",
    phone_only: "رموز الهاتف فقط (رفض البطاقات المطبوعة)",
    update: "تحديث قائمة الثقة أو قائمة الحالة",
    update_file: "من ملف",
    update_url: "من هذا العنوان",
    updated_trust: "تُستخدم الآن قائمة الثقة الإصدار {v}.",
    updated_status: "تُستخدم الآن قائمة الحالة لـ {uri}.",
    refused: "مرفوض: {e}",
    no_code: "لم يُعثر على رمز في الصورة: {e}",
    offline: "يعمل دون اتصال بعد الزيارة الأولى.",
    error: "تعذّر تشغيل أداة التحقق: {e}",
    camera_error: "تعذّر فتح الكاميرا: {e}",
  },
};

// The reasons in plain Arabic; English uses the verifier's own sentences
// (the same as `hawiya verify`).
const REASONS_AR: Record<string, string> = {
  assurance_below_minimum: "هذا النوع من الرموز غير مقبول هنا: اطلب رمزاً من هاتف حامل الهوية",
  bad_device_signature: "لم يوقّعه الهاتف الذي صدرت له الهوية (معدَّل أو منسوخ)",
  bad_issuer_signature: "توقيع الجهة المصدرة غير صحيح: البيانات معدّلة أو مزوّرة",
  challenge_expired: "يجيب عن تحدي هذه الأداة ولكن بعد فوات الوقت: اعرض تحدياً جديداً",
  challenge_mismatch: "يجيب عن تحدٍّ آخر غير المعروض: اطلب من حامل الهوية إدخال الرمز مرة أخرى",
  challenge_not_answered: "عُرض تحدٍّ والرمز لا يجيب عنه: اطلب من حامل الهوية مسح التحدي أو كتابته في تطبيق المحفظة",
  credential_expired: "انتهت صلاحية الهوية",
  credential_not_yet_valid: "الهوية غير سارية بعد",
  device_signature_required: "رمز هاتف أُزيل منه توقيع الهاتف (مثل لقطة شاشة مقصوصة): هذه الهوية صالحة فقط بتوقيع هاتف حاملها",
  issuer_key_not_valid: "موقّع بمفتاح جهة مصدرة خارج فترة صلاحيته",
  malformed: "ليس رمز هوية مقروءاً",
  presentation_from_future: "صُنع في المستقبل: تحقّق من الساعات",
  presentation_stale: "الرمز قديم: اطلب رمزاً جديداً (لقطة شاشة أو إعادة عرض؟)",
  replayed: "هذا الرمز نفسه مُسح من قبل: اطلب رمزاً جديداً",
  revoked: "أُلغيت الهوية أو استُبدلت بإصدار أحدث",
  status_stale: "قائمة الإلغاء قديمة: قد يفوت إلغاء حديث؛ حدّثها",
  status_unknown: "حالة الإلغاء غير معروفة: لا توجد قائمة حالة لهذه الجهة",
  static_lower_assurance: "رمز مطبوع (ثابت): ضمان أقل، غير مرتبط بهاتف حامل الهوية؛ تحقّق من صورة الهوية",
  unknown_issuer_key: "صادر بمفتاح ليس في قائمة الثقة",
  unsupported_version: "إصدار التنسيق غير مدعوم: حدّث التطبيق",
};

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
const now = () => Date.now() / 1000;

let lang: Lang = "en";
let verifier: WebVerifier;
let site: Site;
let challengeMode = false;
let lastVerdict: Verdict | null = null;
let lastError: { key: string; e: string } | null = null;
let statusKey = "loading";
let statusError = "";

function setStatus(key: string, e = ""): void {
  statusKey = key;
  statusError = e;
  $("status").textContent = t(key, { e });
}

function t(key: string, vars: Record<string, string | number> = {}): string {
  let s = T[lang][key] ?? T.en[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

// ---- IndexedDB: one key-value store ----
const DB_NAME = "hawiya-verifier";
function db(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore("kv");
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
async function get<V>(key: string): Promise<V | undefined> {
  const d = await db();
  return new Promise((resolve, reject) => {
    const req = d.transaction("kv").objectStore("kv").get(key);
    req.onsuccess = () => resolve(req.result as V | undefined);
    req.onerror = () => reject(req.error);
  });
}
async function put(entries: Record<string, unknown>): Promise<void> {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction("kv", "readwrite");
    for (const [k, v] of Object.entries(entries)) tx.objectStore("kv").put(v, k);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

/** Saves what survives a reload: the replay memory, the lists in use, the settings. */
async function save(): Promise<void> {
  const status: Uint8Array[] = [];
  for (let i = 0; i < verifier.statusListCount(); i++) status.push(verifier.statusListBytes(i));
  await put({
    memory: verifier.memory(),
    trustList: verifier.trustListBytes(),
    statusLists: status,
    phoneOnly: ($("phone-only") as HTMLInputElement).checked,
  });
}

async function fetchBytes(url: string, fresh: boolean): Promise<Uint8Array> {
  const res = await fetch(url, fresh ? { cache: "no-store" } : {});
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---- the page's text ----
function age(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  const [d, h, m] = [Math.floor(s / 86400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60];
  if (lang === "ar") return d ? `${d} يوم ${h} ساعة` : h ? `${h} ساعة ${m} دقيقة` : m ? `${m} دقيقة` : `${s} ثانية`;
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : m ? `${m} min` : `${s} s`;
}
function date(unix: number): string {
  return new Date(unix * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

function applyLanguage(): void {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
  document.querySelectorAll<HTMLElement>("[data-t]").forEach((el) => (el.textContent = t(el.dataset.t!)));
  const button = $("lang");
  button.textContent = lang === "ar" ? "English" : "العربية";
  button.lang = lang === "ar" ? "en" : "ar";
  setStatus(statusKey, statusError);
  if (lastVerdict) renderVerdict(lastVerdict);
  if (verifier) renderTrust();
  if (lastError) showScanError(lastError.key, lastError.e);
}

function renderTrust(): void {
  const s: State = JSON.parse(verifier.state(now()));
  $("root-fingerprint").textContent = s.root_fingerprint;
  $("fingerprint-footer").textContent = s.root_fingerprint;
  $("trust-info").textContent = t("trust_info", {
    v: s.trust.version,
    d: date(s.trust.issued_at),
    age: age(now() - s.trust.issued_at),
    n: s.trust.issuers.length,
  });
  const list = $("status-info");
  list.replaceChildren();
  if (s.status.length === 0) {
    const li = document.createElement("li");
    li.textContent = t("no_status");
    li.className = "stale";
    list.append(li);
  }
  for (const st of s.status) {
    const li = document.createElement("li");
    li.textContent = t("status_line", { uri: st.uri, d: date(st.issued_at), age: age(st.age_secs) });
    if (st.stale && st.warning) {
      const w = document.createElement("div");
      w.className = "stale";
      w.dataset.warning = "status_stale";
      w.textContent = lang === "ar" ? REASONS_AR.status_stale : st.warning;
      li.append(w);
    }
    list.append(li);
  }
}

function reason(item: Item): string {
  return lang === "ar" ? REASONS_AR[item.code] ?? item.message : item.message;
}

function renderVerdict(v: Verdict): void {
  const box = $("verdict");
  box.hidden = false;
  $("verdict-banner").textContent = t(v.accepted ? "accepted" : "rejected");
  $("verdict-assurance").textContent = v.assurance ? t(`a_${v.assurance}`) : "";
  $("verdict-photo").hidden = !(v.accepted && v.assurance === "printed");
  const reasons = $("verdict-reasons");
  reasons.replaceChildren();
  for (const [items, cls] of [[v.failures, "failure"], [v.warnings, "warning"]] as const) {
    for (const item of items) {
      const li = document.createElement("li");
      li.className = cls;
      li.dataset.code = item.code;
      li.textContent = reason(item);
      reasons.append(li);
    }
  }
  const guardian = $("verdict-guardian");
  guardian.hidden = v.guardian === null;
  if (v.guardian !== null) {
    guardian.textContent = t(v.mode === "static" ? "guardian_static" : "guardian_device", { n: v.guardian });
  }
  const doc = $("verdict-document");
  const parts: string[] = [];
  if (v.document_names) parts.push(v.document_names[lang]);
  if (v.document_version !== null) parts.push(`${t("version")} ${v.document_version}`);
  if (v.issuer) parts.push(`${t("issuer")}: ${v.issuer}`);
  doc.textContent = parts.length ? (v.accepted ? "" : t("claimed")) + parts.join(" · ") : "";
  const table = $("verdict-claims");
  table.replaceChildren();
  for (const label of v.labels) {
    const value = v.claims[label.key];
    const tr = document.createElement("tr");
    tr.dataset.claim = label.key;
    const th = document.createElement("th");
    th.textContent = label[lang];
    const td = document.createElement("td");
    if (label.key === "portrait" && typeof value === "string") {
      const img = document.createElement("img");
      img.alt = label[lang];
      img.src = portraitUrl(value);
      td.append(img);
    } else if (typeof value === "boolean") {
      td.textContent = lang === "ar" ? (value ? "نعم" : "لا") : value ? "yes" : "no";
    } else if (label.key === "sex" && lang === "ar") {
      td.textContent = value === "female" ? "أنثى" : value === "male" ? "ذكر" : value ?? "—";
    } else {
      // Latin text and numbers keep their own direction inside an Arabic page.
      const bdi = document.createElement("bdi");
      bdi.textContent = value ?? "—";
      td.append(bdi);
    }
    tr.append(th, td);
    table.append(tr);
  }
}

function portraitUrl(hex: string): string {
  const bytes = new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  const type = bytes[0] === 0x89 ? "image/png" : bytes[0] === 0xff ? "image/jpeg" : "image/webp";
  return URL.createObjectURL(new Blob([bytes], { type }));
}

function showScanError(key: string, e: string): void {
  lastError = { key, e };
  const el = $("scan-error");
  el.hidden = false;
  el.textContent = t(key, { e });
}

// ---- verifying ----
let busy: Promise<void> = Promise.resolve();

/** Verifies one code; the verdict element's data attributes are set once its memory is saved. */
function verifyText(text: string, source: string, started = performance.now()): Promise<void> {
  busy = busy.then(async () => {
    const v: Verdict = JSON.parse(verifier.verify(text, now()));
    lastVerdict = v;
    lastError = null;
    $("scan-error").hidden = true;
    renderVerdict(v);
    await save();
    const box = $("verdict");
    box.dataset.verdict = v.verdict;
    box.dataset.reason = v.failures[0]?.code ?? "";
    box.dataset.reasons = v.failures.map((f) => f.code).join(" ");
    box.dataset.warnings = v.warnings.map((w) => w.code).join(" ");
    box.dataset.assurance = v.assurance ?? "";
    box.dataset.source = source;
    box.dataset.ms = (performance.now() - started).toFixed(1);
    box.dataset.count = String(Number(box.dataset.count ?? "0") + 1);
    if (challengeMode) showChallenge();
    renderTrust();
  });
  return busy;
}

// ---- camera ----
let stream: MediaStream | null = null;
let scanning = false;

async function startCamera(): Promise<void> {
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    });
  } catch (e) {
    showScanError("camera_error", message(e));
    return;
  }
  const video = $("video") as HTMLVideoElement;
  video.srcObject = stream;
  await video.play();
  $("camera-box").hidden = false;
  setStatus("camera_looking");
  scanning = true;
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  const tick = async () => {
    if (!scanning) return;
    if (video.videoWidth > 0) {
      const started = performance.now();
      const scale = Math.min(1, 1280 / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let text: string | null = null;
      try {
        text = decodeFrame(frame.width, frame.height, new Uint8Array(frame.data.buffer));
      } catch {
        text = null;
      }
      if (text !== null) {
        stopCamera();
        await verifyText(text, "camera", started);
        return;
      }
    }
    setTimeout(tick, 150);
  };
  tick();
}

function stopCamera(): void {
  scanning = false;
  stream?.getTracks().forEach((track) => track.stop());
  stream = null;
  $("camera-box").hidden = true;
  setStatus("ready");
}

async function decodeImageFile(file: Blob): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, Math.sqrt(4_000_000 / (bitmap.width * bitmap.height)));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext("2d")!;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return decodeFrame(frame.width, frame.height, new Uint8Array(frame.data.buffer));
}

// ---- challenge ----
function showChallenge(): void {
  const c = JSON.parse(verifier.newChallenge(now())) as { code: string; grouped: string; svg: string };
  const box = $("challenge-box");
  box.hidden = false;
  box.dataset.challenge = c.code;
  const qr = new DOMParser().parseFromString(c.svg, "image/svg+xml").documentElement;
  $("challenge-qr").replaceChildren(document.importNode(qr, true));
  $("challenge-code").textContent = c.grouped;
}

function toggleChallenge(): void {
  challengeMode = !challengeMode;
  $("challenge").setAttribute("aria-pressed", String(challengeMode));
  // The verdict on screen was for the last person, not for this challenge.
  $("verdict").hidden = true;
  lastVerdict = null;
  if (challengeMode) {
    showChallenge();
  } else {
    verifier.clearChallenge();
    $("challenge-box").hidden = true;
    delete $("challenge-box").dataset.challenge;
  }
  $("code-input").focus();
}

// ---- trust and status list updates ----
async function applyUpdate(bytes: Uint8Array): Promise<void> {
  const result = $("update-result");
  result.removeAttribute("data-result");
  let trustError: string;
  try {
    const info = JSON.parse(verifier.updateTrustList(bytes)) as { version: number };
    result.textContent = t("updated_trust", { v: info.version });
    result.dataset.result = "trust";
  } catch (e) {
    trustError = message(e);
    try {
      const info = JSON.parse(verifier.addStatusList(bytes, now())) as StatusInfo;
      result.textContent = t("updated_status", { uri: info.uri });
      result.dataset.result = "status";
    } catch (e2) {
      // A trust list's own refusal (a rollback, a bad root signature) is the
      // one to show when the file is a trust list.
      const e = /not a hawiya trust list/.test(trustError) ? message(e2) : trustError;
      result.textContent = t("refused", { e });
      result.dataset.result = "refused";
    }
  }
  await save();
  renderTrust();
}

// ---- start ----
async function start(): Promise<void> {
  lang = (localStorage.getItem("hawiya-lang") as Lang) === "ar" ? "ar" : "en";
  applyLanguage();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js").catch(() => undefined);
  }
  await init();
  site = await (await fetch("site.json")).json();
  const phoneOnly = (await get<boolean>("phoneOnly")) ?? false;
  ($("phone-only") as HTMLInputElement).checked = phoneOnly;
  const memory = (await get<string>("memory")) ?? "";
  const stored = await get<Uint8Array>("trustList");
  const built = await fetchBytes(site.trust_list, false);
  try {
    verifier = new WebVerifier(site.root_public_key, stored ?? built, memory, phoneOnly);
  } catch {
    verifier = new WebVerifier(site.root_public_key, built, memory, phoneOnly);
  }
  // A newer list deployed with the page replaces the stored one; an older one is refused.
  try {
    verifier.updateTrustList(built);
  } catch {
    /* the stored list is newer */
  }
  for (const bytes of (await get<Uint8Array[]>("statusLists")) ?? []) {
    try {
      verifier.addStatusList(bytes, now());
    } catch {
      /* no longer valid under the trust list in use */
    }
  }
  for (const url of site.status_lists) {
    try {
      verifier.addStatusList(await fetchBytes(url, false), now());
    } catch {
      /* older than the one kept */
    }
  }
  await save();
  renderTrust();
  $("scan").hidden = false;
  setStatus("ready");
  document.body.dataset.ready = "true";
  $("code-input").focus();
}

$("lang").addEventListener("click", () => {
  lang = lang === "ar" ? "en" : "ar";
  localStorage.setItem("hawiya-lang", lang);
  applyLanguage();
});
$("code-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = $("code-input") as HTMLInputElement;
  const text = input.value;
  input.value = "";
  if (text.trim() !== "") verifyText(text, "text");
  input.focus();
});
// A scanner in keyboard mode types wherever the focus is: when it is on no
// field (the clerk clicked the page), the keystrokes go to the code field.
document.addEventListener("keydown", (e) => {
  const active = document.activeElement;
  if (e.key.length !== 1 || e.ctrlKey || e.metaKey || e.altKey) return;
  if (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement) return;
  if (active instanceof HTMLButtonElement && e.key === " ") return;
  $("code-input").focus();
});
$("camera").addEventListener("click", () => startCamera());
$("camera-stop").addEventListener("click", () => stopCamera());
$("challenge").addEventListener("click", () => toggleChallenge());
$("photo").addEventListener("change", async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  try {
    const started = performance.now();
    const text = await decodeImageFile(file);
    await verifyText(text, "photo", started);
  } catch (err) {
    showScanError("no_code", message(err));
  }
});
$("phone-only").addEventListener("change", async (e) => {
  verifier.setPhoneCodesOnly((e.target as HTMLInputElement).checked);
  await save();
  renderTrust();
});
$("update-file").addEventListener("change", async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = "";
  if (file) await applyUpdate(new Uint8Array(await file.arrayBuffer()));
});
$("update-url-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const url = ($("update-url") as HTMLInputElement).value.trim();
  if (!url) return;
  try {
    await applyUpdate(await fetchBytes(url, true));
  } catch (err) {
    $("update-result").textContent = t("refused", { e: message(err) });
    $("update-result").dataset.result = "refused";
  }
});

start().catch((e) => {
  setStatus("error", message(e));
  document.body.dataset.ready = "error";
});
