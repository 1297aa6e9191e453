// The dashboard of one Hearsay node, drawn from its /events stream (one status document per
// second). Everything shown is what this node knows: its channels and heights, the members'
// heights from their StateInfo, membership alive and dead, recent block latencies, refusals.
// Text from peers (endpoints, names) is only ever set as textContent.
'use strict';

// Peers once seen in a channel, so that one that dies stays listed (dead) with its last height.
const seen = {};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  });
  children.forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return node;
}

function short(hex) {
  return hex ? hex.slice(0, 8) : '';
}

function render(status) {
  document.getElementById('node').textContent = status.node;
  document.getElementById('identity').textContent = status.role + ' of ' + status.mspId + ' at ' + status.endpoint
      + (status.pkiId ? ' · PKI-ID ' + short(status.pkiId) : '');
  const membership = status.membership || { alive: [], dead: [] };
  const byPki = {};
  membership.alive.forEach(m => byPki[m.pkiId] = Object.assign({ state: 'alive' }, m));
  membership.dead.forEach(m => byPki[m.pkiId] = Object.assign({ state: 'dead' }, m));
  renderChannels(status, byPki);
  renderMembership(membership, status.role === 'peer');
  renderRejections(status.rejections || {});
}

function renderChannels(status, byPki) {
  const section = document.getElementById('channels');
  section.replaceChildren(el('h2', {}, status.role === 'orderer' ? 'Channels this orderer serves' : 'Channels'));
  if (status.channels.length === 0) section.append(el('p', {}, 'No channel joined.'));
  status.channels.forEach(channel => {
    const box = el('div', { id: 'channel-' + channel.channel, class: 'channel' });
    box.append(el('h3', {}, channel.channel + ': height ' + channel.height + ', tip ' + short(channel.tipHash)
        + (channel.state === 'failed' ? ' · NOT RUNNING: ' + channel.failure : '')));
    if (status.role === 'peer') {
      box.append(leaders(status, channel));
      box.append(peerTable(status, channel, byPki));
      box.append(latencyChart(channel.recentBlocks || []));
    }
    section.append(box);
  });
}

// A declaration older than this is not taken as a live leader (Fabric's leaderAliveThreshold is 10 s).
const DECLARATION_FRESH_MS = 15000;

// The PKI-ID of the org's leader as this peer knows it: itself, or the last fresh declaration.
function orgLeader(status, channel) {
  if (channel.leader) return status.pkiId;
  const d = channel.lastDeclaration;
  return d && Date.now() - d.heardAt < DECLARATION_FRESH_MS ? d.leader : null;
}

function leaders(status, channel) {
  const leader = orgLeader(status, channel);
  let text;
  if (channel.leader) {
    text = 'This peer leads ' + status.mspId + ' in ' + channel.channel
        + (channel.delivering ? ' and pulls blocks from the orderer.' : ', not yet delivering.');
  } else if (leader) {
    text = status.mspId + "'s leader in " + channel.channel + ' is ' + short(leader) + ' (declared '
        + ((Date.now() - channel.lastDeclaration.heardAt) / 1000).toFixed(1) + ' s ago).';
  } else {
    text = 'No leadership declaration heard from ' + status.mspId + ' lately (static leaders never declare).';
  }
  return el('p', { class: 'leaders' }, text + ' Other orgs elect their own leaders: their elections are not visible here.');
}

function peerTable(status, channel, byPki) {
  const known = seen[channel.channel] = seen[channel.channel] || {};
  known[status.pkiId] = { pkiId: status.pkiId, mspId: status.mspId, height: channel.height, self: true };
  (channel.members || []).forEach(m => known[m.pkiId] = { pkiId: m.pkiId, mspId: m.mspId, height: m.height });
  const rows = Object.values(known);
  const highest = Math.max(...rows.map(r => r.height));
  const leader = orgLeader(status, channel);
  const table = el('table', {}, el('thead', {}, el('tr', {},
      ...['peer', 'org', 'endpoint', 'height', 'lag', 'state', 'role'].map(h => el('th', {}, h)))));
  const body = el('tbody');
  rows.sort((a, b) => (a.mspId + a.pkiId).localeCompare(b.mspId + b.pkiId)).forEach(r => {
    const member = byPki[r.pkiId];
    const state = r.self ? 'alive' : (member ? member.state : 'unknown');
    const lag = highest - r.height;
    body.append(el('tr', { class: 'peer' + (r.self ? ' self' : ''), 'data-pki': r.pkiId, 'data-height': r.height,
      'data-state': state },
      el('td', {}, short(r.pkiId)), el('td', {}, r.mspId), el('td', {}, r.self ? status.endpoint : member ? member.endpoint : ''),
      el('td', {}, r.height),
      state === 'dead' ? el('td', {}, 'last seen at ' + r.height)
          : el('td', { class: lag === 0 ? 'lag-0' : 'lagging' }, lag === 0 ? 'at the tip' : lag + ' behind'),
      el('td', { class: 'state' }, state), el('td', {}, r.pkiId === leader ? 'org leader' : '')));
  });
  table.append(body);
  return table;
}

// Recent blocks: submission to commit here, and submission to every peer known to have it.
function latencyChart(blocks) {
  const wrap = el('div', { class: 'latency' });
  // The genesis block was made when the channel was, not submitted: it is left out.
  const timed = blocks.filter(b => b.submittedAt > 0 && b.number > 0);
  wrap.append(el('h3', {}, 'Block latency, recent ' + timed.length + ' blocks (ms after submission)'));
  wrap.append(el('div', { class: 'legend' }, el('span', { class: 'commit' }, '— committed here'),
      el('span', { class: 'all' }, '— every known peer has it (by StateInfo, up to one publish interval late)')));
  const canvas = el('canvas', { width: 900, height: 180 });
  wrap.append(canvas);
  if (timed.length === 0) return wrap;
  const here = timed.map(b => [b.number, b.committedAt - b.submittedAt]);
  const all = timed.filter(b => b.allPeersAt > 0).map(b => [b.number, b.allPeersAt - b.submittedAt]);
  const ctx = canvas.getContext('2d');
  const pad = 36, w = canvas.width - 2 * pad, h = canvas.height - 2 * pad;
  const minX = timed[0].number, maxX = Math.max(timed[timed.length - 1].number, minX + 1);
  const maxY = Math.max(1, ...here.map(p => p[1]), ...all.map(p => p[1]));
  const x = n => pad + (n - minX) / (maxX - minX) * w;
  const y = v => pad + h - Math.max(0, v) / maxY * h;
  ctx.strokeStyle = '#c5cad6';
  ctx.strokeRect(pad, pad, w, h);
  ctx.fillStyle = '#5b6475';
  ctx.font = '11px sans-serif';
  ctx.fillText(Math.round(maxY) + ' ms', 2, pad + 4);
  ctx.fillText('0', 2, pad + h);
  ctx.fillText('block ' + minX, pad, pad + h + 14);
  ctx.fillText('block ' + maxX, pad + w - 50, pad + h + 14);
  [[here, '#2563eb'], [all, '#d97706']].forEach(([points, color]) => {
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.beginPath();
    points.forEach(([n, v], i) => i === 0 ? ctx.moveTo(x(n), y(v)) : ctx.lineTo(x(n), y(v)));
    ctx.stroke();
    points.forEach(([n, v]) => ctx.fillRect(x(n) - 2, y(v) - 2, 4, 4));
  });
  return wrap;
}

function renderMembership(membership, isPeer) {
  const box = document.getElementById('membership');
  document.getElementById('membership-section').hidden = !isPeer;
  const orgs = {};
  membership.alive.forEach(m => (orgs[m.mspId] = orgs[m.mspId] || []).push(Object.assign({ state: 'alive' }, m)));
  membership.dead.forEach(m => (orgs[m.mspId] = orgs[m.mspId] || []).push(Object.assign({ state: 'dead' }, m)));
  const columns = el('div', { class: 'orgs' });
  Object.keys(orgs).sort().forEach(org => {
    const alive = orgs[org].filter(m => m.state === 'alive').length;
    const table = el('table', {}, el('tbody', {}, ...orgs[org].map(m => el('tr', { class: 'member',
      'data-pki': m.pkiId, 'data-state': m.state }, el('td', {}, m.endpoint), el('td', {}, short(m.pkiId)),
      el('td', { class: 'state' }, m.state)))));
    columns.append(el('div', {}, el('h3', {}, org + ': ' + alive + ' alive, ' + (orgs[org].length - alive) + ' dead'), table));
  });
  if (Object.keys(orgs).length === 0) columns.append(el('p', {}, 'No other peer known yet.'));
  box.replaceChildren(columns);
}

function renderRejections(rejections) {
  const body = document.querySelector('#rejections tbody');
  const reasons = Object.keys(rejections).filter(r => rejections[r] > 0).sort();
  body.replaceChildren(...(reasons.length === 0 ? [el('tr', {}, el('td', {}, 'none'))]
      : reasons.map(r => el('tr', { 'data-reason': r }, el('td', {}, r), el('td', {}, rejections[r])))));
}

function connect() {
  const connection = document.getElementById('connection');
  const events = new EventSource('events');
  events.addEventListener('status', e => {
    connection.textContent = 'live · updated ' + new Date().toLocaleTimeString();
    connection.className = 'connection live';
    render(JSON.parse(e.data));
  });
  // EventSource reconnects by itself; say so while it does.
  events.onerror = () => {
    connection.textContent = 'connection to the node lost, retrying…';
    connection.className = 'connection lost';
  };
}

connect();
