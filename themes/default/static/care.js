// 长辈版 (large text, high contrast): the mode itself is CSS on the header's
// checkbox (`:has`), so it works without JavaScript; this only remembers the
// choice from page to page. Loaded in <head> so that a remembered choice
// applies before the first paint.
(function () {
  'use strict';
  var KEY = 'gongkai-care';
  var root = document.documentElement;
  try {
    if (localStorage.getItem(KEY) === '1') root.classList.add('care');
  } catch (e) {
    // Storage may be off (private mode, policies): the mode still works per page.
  }
  document.addEventListener('DOMContentLoaded', function () {
    var box = document.getElementById('care-mode');
    if (!box) return;
    box.checked = root.classList.contains('care');
    box.addEventListener('change', function () {
      root.classList.toggle('care', box.checked);
      try {
        if (box.checked) localStorage.setItem(KEY, '1');
        else localStorage.removeItem(KEY);
      } catch (e) {
        // As above.
      }
    });
  });
})();
