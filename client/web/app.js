// The board of lkip monitor --web. The page draws the board it receives as "board" events of
// the stream /events (the whole board each time: a snapshot from lkipd with the pushed events
// applied, as the terminal's monitor shows it); nothing is polled. Every text from the data
// goes into the page through textContent, never as HTML.
'use strict';

(function () {
    var view = null;         // the last board received
    var streamUp = false;    // the stream to lkip monitor is open
    var selected = 0;        // instance id of the row shown in full; 0 when none
    var source = null;

    function $(id) { return document.getElementById(id); }

    function el(tag, cls, text) {
        var e = document.createElement(tag);
        if (cls) e.className = cls;
        if (text !== undefined && text !== null) e.textContent = String(text);
        return e;
    }

    function clear(node) {
        while (node.firstChild) node.removeChild(node.firstChild);
    }

    function cell(tr, label, text, cls) {
        var td = el('td', cls, text);
        td.setAttribute('data-label', label);
        tr.appendChild(td);
        return td;
    }

    function texts(row) {
        return row.text || {};
    }

    // The rows the filters let through.
    function shownRows() {
        var rows = (view && view.rows) || [];
        var lateOnly = $('late-only').checked;
        var q = $('search').value.trim().toLowerCase();
        return rows.filter(function (r) {
            if (lateOnly && r.overdue !== true) return false;
            if (!q) return true;
            var t = texts(r);
            var hay = [t.sop, t.step, t.holder, r.step_title, String(r.instance_id)];
            (r.units || []).forEach(function (u) { hay.push(u.text || u.unit_code); });
            return hay.join(' ').toLowerCase().indexOf(q) >= 0;
        });
    }

    function unitsRow(r) {
        var tr = el('tr', 'units');
        tr.setAttribute('data-instance', String(r.instance_id));
        var td = cell(tr, 'Unit (' + r.units_submitted + '/' + r.units_total + ' terkirim)', null);
        td.colSpan = 9;
        (r.units || []).forEach(function (u) {
            td.appendChild(el('span', 'unit ' + (u.state || 'open'), u.text || u.unit_code));
        });
        return tr;
    }

    function boardRow(r) {
        var t = texts(r);
        var tr = el('tr', 'row' + (r.overdue === true ? ' late' : '') +
                    (r.instance_id === selected ? ' selected' : ''));
        tr.tabIndex = 0;
        tr.setAttribute('data-instance', String(r.instance_id));
        cell(tr, 'No', (r.overdue === true ? '! ' : '') + r.instance_id, 'no');
        cell(tr, 'SOP', t.sop, 'sop');
        cell(tr, 'Langkah', t.step, 'step');
        cell(tr, 'Pemegang', t.holder, 'holder');
        cell(tr, 'Ditugaskan', t.assigned, 'assigned');
        cell(tr, 'Tenggat', t.due, 'due');
        cell(tr, 'Waktu kerja', t.left, 'left');
        cell(tr, 'Ingat', r.reminders || 0, 'num reminders');
        cell(tr, 'Kembali', r.returns || 0, 'num returns');
        function pick() {
            selected = selected === r.instance_id ? 0 : r.instance_id;
            $('timeline').hidden = true;
            drawRows();
            drawDetail();
        }
        tr.addEventListener('click', pick);
        tr.addEventListener('keydown', function (e) {
            if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(); }
        });
        return tr;
    }

    function drawRows() {
        var body = $('rows');
        clear(body);
        var rows = shownRows();
        rows.forEach(function (r) {
            body.appendChild(boardRow(r));
            if (r.units && r.units.length) body.appendChild(unitsRow(r));
        });
        var empty = $('empty');
        empty.hidden = rows.length > 0 || !view;
        empty.textContent = $('late-only').checked || $('search').value.trim()
            ? 'Tidak ada SOP yang cocok dengan saringan.'
            : 'Tidak ada SOP yang berjalan.';
    }

    function field(dl, name, value) {
        dl.appendChild(el('dt', null, name));
        dl.appendChild(el('dd', null, value));
    }

    // The selected row in full, as the terminal's detail lines.
    function drawDetail() {
        var box = $('detail');
        var rows = (view && view.rows) || [];
        var r = rows.filter(function (x) { return x.instance_id === selected; })[0];
        box.hidden = !r;
        if (!r) return;
        var t = texts(r);
        $('detail-title').textContent = '#' + r.instance_id + ' ' + t.sop + ' langkah ' +
            r.step_no + ': ' + (r.step_title || t.step);
        var dl = $('detail-fields');
        clear(dl);
        field(dl, 'Pemegang', t.holder);
        field(dl, 'Ditugaskan', t.assigned);
        field(dl, 'Tenggat', t.due);
        field(dl, 'Waktu kerja', t.left + (r.overdue === true ? ' (terlambat)' : ''));
        field(dl, 'Pengingat', r.reminders || 0);
        field(dl, 'Dikembalikan', r.returns || 0);
        if (r.return_reason) field(dl, 'Alasan pengembalian', r.return_reason);
        if (r.units && r.units.length)
            field(dl, 'Unit', r.units.map(function (u) { return u.text || u.unit_code; }).join(' · '));
    }

    // The selected instance's timeline, as lkip status prints it (asked of lkipd by lkip
    // monitor; read-only).
    function showTimeline() {
        var id = selected, box = $('timeline');
        if (!id) return;
        box.hidden = false;
        box.textContent = 'Memuat riwayat...';
        fetch('/timeline/' + id, {credentials: 'same-origin'}).then(function (r) {
            return r.text();
        }).then(function (text) {
            if (selected === id) box.textContent = text;
        }, function () {
            if (selected === id) box.textContent = 'Riwayat tidak dapat dimuat: lkip monitor tidak menjawab.';
        });
    }

    function drawStrip() {
        var list = $('strip');
        clear(list);
        var strip = (view && view.strip) || [];
        strip.forEach(function (line) { list.appendChild(el('li', null, line)); });
        $('strip-empty').hidden = strip.length > 0;
    }

    // The banner: the stream to lkip monitor, then lkip monitor's connection to lkipd.
    function drawBanner() {
        var text = '';
        if (!streamUp)
            text = 'TERPUTUS dari lkip monitor: menyambung kembali; papan mungkin tidak terkini.';
        else if (view && view.connection === 'disconnected')
            text = 'KONEKSI TERPUTUS ke server lkipd: menyambung kembali; papan mungkin tidak terkini' +
                (view.connection_why ? ' (' + view.connection_why + ')' : '') + '.';
        var b = $('banner');
        b.textContent = text;
        b.hidden = !text;
        var m = $('message');
        m.textContent = (view && view.message) || '';
        m.hidden = !m.textContent;
        document.body.setAttribute('data-state', !streamUp ? 'terputus'
            : view && view.connection === 'disconnected' ? 'terputus-server'
            : view && view.connection === 'live' ? 'langsung' : 'memuat');
    }

    function draw() {
        $('title').textContent = view ? view.title : 'Papan pemantauan: memuat...';
        document.title = view ? view.title : 'Papan pemantauan LKIP';
        $('org').textContent = view && view.org_name ? view.org_name + ' (' + view.time_zone + ')' : '';
        drawBanner();
        drawRows();
        drawDetail();
        drawStrip();
    }

    function connect() {
        source = new EventSource('/events');
        source.addEventListener('open', function () { streamUp = true; drawBanner(); });
        source.addEventListener('board', function (e) {
            var next;
            try { next = JSON.parse(e.data); } catch (err) { return; }
            view = next;
            streamUp = true;
            document.body.setAttribute('data-version', e.lastEventId || '');
            draw();
        });
        source.addEventListener('error', function () {
            streamUp = false;
            drawBanner();
            // the browser opens the stream again by itself unless it gave up (lkip monitor
            // answered with an error); a run of lkip monitor with a new token refuses the old
            // cookie: then the page reloads into the login form
            if (source.readyState === EventSource.CLOSED) {
                source.close();
                fetch('/board.json', {credentials: 'same-origin'}).then(function (r) {
                    if (r.status === 401) location.reload();
                    else setTimeout(connect, 5000);
                }, function () { setTimeout(connect, 5000); });
            }
        });
    }

    document.addEventListener('DOMContentLoaded', function () {
        $('late-only').addEventListener('change', drawRows);
        $('search').addEventListener('input', drawRows);
        $('timeline-button').addEventListener('click', showTimeline);
        draw();
        connect();
    });
})();
