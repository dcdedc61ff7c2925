// StorybookShop personalizer: fills the choices from /catalog, starts the book, follows its progress
// (Server-Sent Events, or polling where the proxy buffers them), and adds it to the cart with _story_id.
(function () {
  function init(root) {
    var proxy = root.dataset.proxy || '/apps/storybook';
    // On the storefront Shopify's proxy signs every request; the standalone page (/proxy/personalize) carries the app's own session token.
    function u(path) { return proxy + path + (root.dataset.query ? (path.indexOf('?') < 0 ? '?' : '&') + root.dataset.query : ''); }
    var form = root.querySelector('.storybook-form');
    var errors = root.querySelector('.storybook-errors');
    var progress = root.querySelector('.storybook-progress');
    var ready = root.querySelector('.storybook-ready');
    var storyId = null;
    // A random id kept in this browser: the app's per-shopper limit keys on it (behind Shopify's proxy every guest
    // shares Shopify's address). It identifies nothing about the shopper.
    var shopper = null;
    try {
      shopper = window.localStorage.getItem('storybook-shopper');
      if (!shopper) {
        shopper = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
        window.localStorage.setItem('storybook-shopper', shopper);
      }
    } catch (err) { shopper = null; }

    function options(select, items, label) {
      items.forEach(function (item) {
        var o = document.createElement('option');
        o.value = typeof item === 'string' ? item : item.id;
        o.textContent = label ? label(item) : (typeof item === 'string' ? item : item.id);
        select.appendChild(o);
      });
    }
    fetch(u('/catalog'), { headers: { Accept: 'application/json' } }).then(function (r) { return r.json(); }).then(function (c) {
      options(form.ageGroup, c.ageBands, function (b) { return b.id + ' years'; });
      options(form.genre, c.themes);
      options(form.language, Object.keys(c.languages).map(function (k) { return { id: k, name: c.languages[k] }; }), function (l) { return l.name; });
      options(form.companionKind, c.companions, function (k) { return k.en; });
    });

    function show(s) {
      progress.querySelector('progress').value = s.percentDone;
      progress.querySelector('.storybook-percent').textContent = s.percentDone + ' %';
      progress.querySelector('.storybook-stage').textContent = s.status === 'Generating' ? (s.title ? 'Drawing "' + s.title + '"…' : 'Writing the story…') : s.status;
      if (s.status === 'Preview' || s.status === 'Complete' || s.status === 'Published') {
        ready.hidden = false;
        ready.querySelector('.storybook-preview').href = u('/stories/' + s.id + '/preview');
      }
      if (s.status === 'Error') { errors.hidden = false; errors.textContent = 'Sorry, this story could not be made. Please try again.'; }
    }
    function follow(s) {
      show(s);
      if (window.EventSource) {
        var es = new EventSource(u('/stories/' + s.id + '/events'));
        var heard = false;
        es.addEventListener('progress', function (e) { heard = true; show(JSON.parse(e.data)); });
        es.addEventListener('done', function (e) { show(JSON.parse(e.data)); es.close(); });
        es.onerror = function () { es.close(); if (!heard) poll(u('/stories/' + s.id)); };
      } else poll(u('/stories/' + s.id));
    }
    function poll(url) {
      fetch(url).then(function (r) { return r.json(); }).then(function (s) {
        show(s);
        if (s.status === 'Generating' || s.status === 'Draft') setTimeout(function () { poll(url); }, 2000);
      });
    }

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      errors.hidden = true;
      var body = { childName: form.childName.value, ageGroup: form.ageGroup.value, genre: form.genre.value, language: form.language.value || null, moral: form.moral.value || null };
      if (form.companionName.value && form.companionKind.value) body.companions = [{ name: form.companionName.value, kind: form.companionKind.value }];
      var headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
      if (shopper) headers['X-Storybook-Shopper'] = shopper;
      fetch(u('/stories'), { method: 'POST', headers: headers, body: JSON.stringify(body) })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; }); })
        .then(function (r) {
          if (!r.ok) {
            var messages = r.body.errors ? Object.keys(r.body.errors).map(function (k) { return r.body.errors[k].join(' '); }) : [r.body.title || 'Something went wrong.'];
            errors.textContent = messages.join(' ');
            errors.hidden = false;
            return;
          }
          storyId = r.body.id;
          form.hidden = true;
          progress.hidden = false;
          follow(r.body);
        });
    });

    root.querySelector('.storybook-add').addEventListener('click', function () {
      fetch('/cart/add.js', {
        method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ items: [{ id: Number(root.dataset.variant), quantity: 1, properties: { _story_id: storyId } }] })
      }).then(function () { window.location.href = '/cart'; });
    });
  }
  document.querySelectorAll('.storybook-personalizer').forEach(init);
})();
