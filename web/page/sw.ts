// The service worker: precaches every file of the page on the first visit,
// then answers them from the cache, so the page loads and verifies with no
// network. `hawiya web build` writes the site's version and file list below
// (a new deployment is a new cache; the old one is removed when it takes
// over). Any other request (a trust-list update from an address) goes to
// the network.

const sw = self as unknown as ServiceWorkerGlobalScope;

const VERSION = "__HAWIYA_SITE_VERSION__";
const FILES: string[] = JSON.parse('__HAWIYA_SITE_FILES__');
const CACHE = `hawiya-${VERSION}`;

sw.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: "reload" }))))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("hawiya-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || url.search !== "") return;
  const scope = new URL(sw.registration.scope);
  let path = url.pathname.startsWith(scope.pathname) ? url.pathname.slice(scope.pathname.length) : null;
  if (path === null) return;
  if (path === "") path = "index.html";
  if (!FILES.includes(path)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => (await cache.match(path!)) ?? fetch(request)),
  );
});
