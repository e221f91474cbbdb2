// The Herald dashboard: live stats from /dashboard/stats, a subscribe panel and a publish form.
// Everything shown from the network goes into the page as text (textContent), never as HTML.
'use strict';

(function () {
  const HUB = '/.well-known/mercure';
  const MAX_POINTS = 300; // five minutes of one sample a second
  const MAX_ROWS = 100;

  const $ = id => document.getElementById(id);
  const integer = new Intl.NumberFormat('en');
  const decimal = new Intl.NumberFormat('en', {maximumFractionDigits: 1});

  function setStatus(element, text, isError) {
    element.textContent = text;
    element.classList.toggle('error', Boolean(isError));
  }

  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return decimal.format(n) + ' ' + units[i];
  }

  function clock(millis) {
    return new Date(millis).toLocaleTimeString('en-GB', {hour12: false});
  }

  // ---- live stats and the chart ----

  const chart = new Chart($('rates'), {
    type: 'line',
    data: {
      labels: [],
      datasets: [
        {label: 'Updates/s', data: [], borderColor: '#0b5cad', backgroundColor: '#0b5cad',
          borderWidth: 2, pointRadius: 0, cubicInterpolationMode: 'monotone'},
        {label: 'Deliveries/s', data: [], borderColor: '#c4511a', backgroundColor: '#c4511a',
          borderWidth: 2, pointRadius: 0, cubicInterpolationMode: 'monotone'}
      ]
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: {mode: 'index', intersect: false},
      scales: {
        x: {ticks: {maxTicksLimit: 8, maxRotation: 0}},
        y: {beginAtZero: true, ticks: {precision: 0}}
      }
    }
  });

  function showCounters(s) {
    $('connections').textContent = integer.format(s.connections);
    $('streams').textContent = integer.format(s.streams);
    $('subscriptions').textContent = integer.format(s.subscriptions);
    $('updatesPublished').textContent = integer.format(s.updatesPublished);
    $('deliveries').textContent = integer.format(s.deliveries);
    $('historySize').textContent = integer.format(s.historySize);
    $('resumes').textContent = integer.format(s.resumes);
    $('slowConsumerCuts').textContent = integer.format(s.slowConsumerCuts);
    $('bytesWritten').textContent = bytes(s.bytesWritten);
    $('updatesPerSecond').textContent = decimal.format(s.updatesPerSecond);
    $('deliveriesPerSecond').textContent = decimal.format(s.deliveriesPerSecond);
  }

  function addPoint(s) {
    chart.data.labels.push(clock(s.time));
    chart.data.datasets[0].data.push(s.updatesPerSecond);
    chart.data.datasets[1].data.push(s.deliveriesPerSecond);
    if (chart.data.labels.length > MAX_POINTS) {
      chart.data.labels.shift();
      chart.data.datasets.forEach(d => d.data.shift());
    }
  }

  const stats = new EventSource('/dashboard/stats');
  stats.onopen = () => setStatus($('stats-status'), 'Live', false);
  stats.onerror = () => setStatus($('stats-status'), 'Stats stream lost, reconnecting…', true);
  // The first event of every (re)connection: the last minutes, replacing what the chart shows.
  stats.addEventListener('history', e => {
    const samples = JSON.parse(e.data);
    chart.data.labels.length = 0;
    chart.data.datasets.forEach(d => (d.data.length = 0));
    samples.forEach(addPoint);
    if (samples.length > 0) {
      showCounters(samples[samples.length - 1]);
    }
    chart.update('none');
  });
  stats.addEventListener('stats', e => {
    const s = JSON.parse(e.data);
    showCounters(s);
    addPoint(s);
    chart.update('none');
  });

  // ---- subscribe ----

  let source = null;
  const listened = new Set();

  function lines(text) {
    return text.split('\n').map(t => t.trim()).filter(t => t.length > 0);
  }

  function showEvent(e) {
    const row = document.createElement('tr');
    for (const text of [clock(Date.now()), e.lastEventId, e.type, e.data]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.appendChild(cell);
    }
    const rows = $('event-rows');
    rows.insertBefore(row, rows.firstChild);
    while (rows.childElementCount > MAX_ROWS) {
      rows.removeChild(rows.lastChild);
    }
  }

  function listen(type) {
    if (source !== null && type && !listened.has(type)) {
      listened.add(type);
      source.addEventListener(type, showEvent);
    }
  }

  function unsubscribe(message) {
    if (source !== null) {
      source.close();
      source = null;
    }
    listened.clear();
    $('subscribe').disabled = false;
    $('unsubscribe').disabled = true;
    setStatus($('sub-status'), message, false);
  }

  $('subscribe-form').addEventListener('submit', e => {
    e.preventDefault();
    unsubscribe('Connecting…');
    const topics = lines($('sub-topics').value);
    const query = new URLSearchParams();
    topics.forEach(t => query.append('topic', t));
    const token = $('sub-token').value.trim();
    if (token) {
      query.append('authorization', token);
    }
    source = new EventSource(HUB + '?' + query.toString());
    const current = source;
    listen('message');
    $('sub-types').value.split(',').map(t => t.trim()).forEach(listen);
    $('subscribe').disabled = true;
    $('unsubscribe').disabled = false;
    const described = topics.join(', ');
    current.onopen = () => setStatus($('sub-status'), 'Subscribed to ' + described + '.', false);
    current.onerror = () => {
      if (current.readyState === EventSource.CLOSED) {
        // Refused (a bad token, a bad selector): EventSource gives up and does not say why.
        unsubscribe('');
        setStatus($('sub-status'), 'The hub refused the subscription (check the token and topics).', true);
      } else {
        setStatus($('sub-status'), 'Connection lost, reconnecting…', true);
      }
    };
  });

  $('unsubscribe').addEventListener('click', () => unsubscribe('Not subscribed.'));

  // ---- publish ----

  $('publish-form').addEventListener('submit', async e => {
    e.preventDefault();
    const form = new URLSearchParams();
    lines($('pub-topics').value).forEach(t => form.append('topic', t));
    form.append('data', $('pub-data').value);
    const type = $('pub-type').value.trim();
    if (type) {
      form.append('type', type);
      listen(type); // so that the subscribe panel shows it too
    }
    if ($('pub-private').checked) {
      form.append('private', 'on');
    }
    const status = $('pub-status');
    setStatus(status, 'Publishing…', false);
    try {
      const response = await fetch(HUB, {
        method: 'POST',
        headers: {'Authorization': 'Bearer ' + $('pub-token').value.trim()},
        body: form
      });
      const text = await response.text();
      if (response.ok) {
        setStatus(status, 'Published ' + text, false);
      } else {
        setStatus(status, 'Refused: ' + response.status + ' ' + text, true);
      }
    } catch (error) {
      setStatus(status, 'Failed: ' + error.message, true);
    }
  });
})();
