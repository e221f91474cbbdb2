// Shared by the test pages: reports what the page sees to the test (BrowserPage.java), and helps
// with tokens. Everything else on the pages is what an application written for Mercure would do.
'use strict';

const params = new URLSearchParams(location.search);
const hubUrl = location.origin + '/.well-known/mercure';

// The test may send reports to another host name, so that they do not queue for one of the
// browser's six connections to this origin behind long-lived EventSources.
const reportUrl = params.get('report') || '/report';
let nextSeq = 0;

// Reports travel in separate fetches that may overtake each other: seq restores the page's order.
function report(kind, fields) {
  const body = JSON.stringify(Object.assign({seq: nextSeq++, kind: kind}, fields || {}));
  console.log('report ' + body);
  fetch(reportUrl, {method: 'POST', mode: 'no-cors', body: body})
      .catch(e => console.error('report failed: ' + e));
}

window.addEventListener('error', e => report('pageError', {message: String(e.message)}));
window.addEventListener('unhandledrejection', e => report('pageError', {message: String(e.reason)}));

function describe(event) {
  return {type: event.type, data: event.data, lastEventId: event.lastEventId};
}

async function fetchToken() {
  const response = await fetch('/token', {cache: 'no-store'});
  if (!response.ok) {
    throw new Error('GET /token: ' + response.status);
  }
  return response.text();
}

// How Mercure applications hand a subscriber token to EventSource, which cannot send headers: a
// cookie on the hub's origin, sent with the first request and with every reconnection.
function setTokenCookie(token) {
  document.cookie = 'mercureAuthorization=' + token + '; path=/; SameSite=Strict';
}
