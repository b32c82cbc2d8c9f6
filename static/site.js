/* Frontdesk: small improvements on top of pages that work without JavaScript. */
(function () {
  'use strict';

  // A form shown again with problems: move focus to the summary (or notice),
  // so keyboard and screen reader users start where the problem is explained.
  // After `load`: scrolling to the URL's #fragment would take focus away again.
  var summary = document.querySelector('.error-summary[tabindex], .notice[tabindex]');
  if (summary) {
    if (document.readyState === 'complete') summary.focus();
    else window.addEventListener('load', function () { summary.focus(); });
  }

  // A summary link puts the cursor in its field, with the field's label in view
  // (a plain #link only scrolls, and may hide the label above the field).
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('.error-summary a[href^="#"]');
    var field = link && document.getElementById(link.getAttribute('href').slice(1));
    if (!field || !/^(INPUT|SELECT|TEXTAREA)$/.test(field.tagName)) return;
    event.preventDefault();
    (field.closest('.field') || field).scrollIntoView({ block: 'start' });
    field.focus({ preventScroll: true });
  });

  // Inline hints for the two fields people most often mistype, shown when they
  // leave the field; the server still checks everything.
  var hints = {
    email: function (input) {
      return input.validity.typeMismatch ? 'Enter an email address like name@example.com' : '';
    },
    tel: function (input) {
      var digits = input.value.replace(/\D/g, '').length;
      return digits > 0 && digits < (input.value.trim().charAt(0) === '+' ? 8 : 10) ? 'Enter a phone number we can call, like (212) 555-0147' : '';
    },
  };

  function showHint(input, text) {
    var id = input.id + '-live';
    var hint = document.getElementById(id);
    var describedBy = (input.getAttribute('aria-describedby') || '').split(' ').filter(function (part) { return part && part !== id; });
    if (text) {
      if (!hint) {
        hint = document.createElement('p');
        hint.id = id;
        hint.className = 'field__error field__error--live';
        input.parentNode.insertBefore(hint, input);
      }
      hint.textContent = text;
      describedBy.push(id);
      input.setAttribute('aria-invalid', 'true');
    } else if (hint) {
      hint.remove();
      if (!document.getElementById(input.id + '-error')) input.removeAttribute('aria-invalid');
    }
    if (describedBy.length) input.setAttribute('aria-describedby', describedBy.join(' '));
    else input.removeAttribute('aria-describedby');
  }

  function check(event, onlyClear) {
    var input = event.target;
    var hint = input.form && input.form.classList.contains('inquiry-form') && hints[input.type];
    if (!hint || input.value.trim() === '') return;
    var text = hint(input);
    if (!onlyClear || !text) showHint(input, text);
  }
  document.addEventListener('focusout', function (event) { check(event, false); });
  document.addEventListener('input', function (event) { check(event, true); });

  // One send per click: a second press while the first is on its way would
  // send the inquiry (or the status change) twice.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method !== 'post') return;
    if (form.getAttribute('data-sending')) {
      event.preventDefault();
      return;
    }
    form.setAttribute('data-sending', 'true');
    Array.prototype.forEach.call(form.querySelectorAll('button[type="submit"]'), function (button) {
      button.disabled = true;
      var sending = button.getAttribute('data-sending-text');
      if (sending) {
        button.setAttribute('data-idle-text', button.textContent);
        button.textContent = sending;
      }
    });
  });

  // Call times are shown in the office's zone; where the visitor's own zone
  // differs, each time also gets the visitor's local time beside it.
  var offer = document.querySelector('.call-offer[data-office-zone]');
  var localZone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (offer && localZone && localZone !== offer.getAttribute('data-office-zone')) {
    var local = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
    var zoneName = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(new Date()).filter(function (part) { return part.type === 'timeZoneName'; })[0];
    var hint = offer.querySelector('#call-slots-hint');
    if (hint) hint.appendChild(document.createTextNode(' Your own time' + (zoneName ? ' (' + zoneName.value + ')' : '') + ' is in brackets.'));
    Array.prototype.forEach.call(offer.querySelectorAll('.call-slot time[datetime]'), function (time) {
      var note = document.createElement('span');
      note.className = 'call-slot__local';
      note.textContent = '(' + local.format(new Date(time.getAttribute('datetime'))) + ')';
      time.parentNode.appendChild(note);
    });
  }

  // Back to a page kept in the browser's memory: it can be sent again.
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    Array.prototype.forEach.call(document.querySelectorAll('form[data-sending]'), function (form) {
      form.removeAttribute('data-sending');
      Array.prototype.forEach.call(form.querySelectorAll('button[type="submit"]'), function (button) {
        button.disabled = false;
        if (button.getAttribute('data-idle-text')) button.textContent = button.getAttribute('data-idle-text');
      });
    });
  });
})();
